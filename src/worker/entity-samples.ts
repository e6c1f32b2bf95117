// Built-in entity samples: an `Account` entity and a `Transfer` orchestration that moves money
// between two accounts inside a critical section (both accounts locked), so concurrent transfers
// never interleave and the total balance is invariant. Used by the README and the tests.

import { createRequire } from 'node:module';
import type * as DurableFunctions from 'durable-functions';
import type { EntityContext, OrchestrationContext } from 'durable-functions';
import type { Registry } from './registry.js';

// CommonJS package: plain Node ESM cannot name its exports statically.
const { EntityId } = createRequire(import.meta.url)('durable-functions') as typeof DurableFunctions;

function amountOf(input: unknown): number {
  const amount = Number(input);
  if (!Number.isFinite(amount) || amount <= 0) throw new Error(`The amount must be a positive number, got ${JSON.stringify(input)}.`);
  return amount;
}

interface TransferInput {
  from: string;
  to: string;
  amount: number;
}

export function registerEntitySamples(registry: Registry): void {
  // Account: deposit(amount), withdraw(amount) (fails when the balance is too low), get, delete.
  registry.entity('Account', (context: EntityContext<unknown>) => {
    const balance = Number(context.df.getState(() => 0) ?? 0);
    switch (context.df.operationName) {
      case 'deposit':
        context.df.setState(balance + amountOf(context.df.getInput()));
        break;
      case 'withdraw': {
        const amount = amountOf(context.df.getInput());
        if (amount > balance) throw new Error(`Insufficient funds: the balance is ${balance}, ${amount} was asked for.`);
        context.df.setState(balance - amount);
        break;
      }
      case 'get':
        context.df.return(balance);
        break;
      case 'delete':
        context.df.destructOnExit();
        break;
      default:
        throw new Error(`Unknown operation '${context.df.operationName}'; use deposit, withdraw, get or delete.`);
    }
  });

  // input: { from, to, amount }; output: { transferred, amount } (transferred false when the balance is too low).
  registry.orchestration('Transfer', function* (context: OrchestrationContext) {
    const { from, to, amount } = context.df.getInput<TransferInput>();
    const source = new EntityId('Account', String(from));
    const target = new EntityId('Account', String(to));
    const lock = (yield context.df.lock(source, target)) as { release(): void };
    try {
      try {
        yield context.df.callEntity(source, 'withdraw', amount);
      } catch {
        return { transferred: false, amount };
      }
      yield context.df.callEntity(target, 'deposit', amount);
      return { transferred: true, amount };
    } finally {
      lock.release();
    }
  });
}

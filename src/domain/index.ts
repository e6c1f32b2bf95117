// The shared vocabulary of taskhub. Every layer imports it from here; it imports nothing else of src/.

export * from './errors.js';
export * from './field-text.js';
export * from './history-events.js';
export * from './hub-name.js';
export * from './ids.js';
export * from './instance-state.js';
export * from './runtime-status.js';
export * from './slots.js';

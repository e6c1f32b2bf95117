// The code of the payload thread, as plain JavaScript run with `eval: true`: it needs only Node's
// built-ins, and a separate .js/.ts file would not load both under tsx (tests, benches) and from
// dist/. Operations:
//   parseJson { bytes, maxDepth } -> { text } | { error: 'depth' | 'invalid' }  (text is trimmed)
//   gzipJson  { value }           -> { gz, size }   gzip of the UTF-8 bytes of JSON.stringify(value)
//   gzipText  { text }            -> { gz, size }
//   gunzipText { gz }             -> { text }      UTF-8 text of the gunzipped bytes
//   gunzipJson { gz }             -> { value }     JSON.parse of that text
// An empty or whitespace-only body gives { text: '' }.

export const PAYLOAD_THREAD_SOURCE = String.raw`
const { parentPort } = require('node:worker_threads');
const { gunzipSync, gzipSync } = require('node:zlib');

function nestingDepth(text) {
  let depth = 0, deepest = 0, inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c) i++;
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x5b || ch === 0x7b) { depth++; if (depth > deepest) deepest = depth; }
    else if (ch === 0x5d || ch === 0x7d) depth--;
  }
  return deepest;
}

function gzipped(bytes) {
  const gz = gzipSync(bytes);
  return { result: { gz, size: bytes.length }, transfer: [gz.buffer] };
}

const ops = {
  parseJson({ bytes, maxDepth }) {
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8').trim();
    if (text === '') return { result: { text } };
    try { JSON.parse(text); } catch { return { result: { error: 'invalid' } }; }
    if (nestingDepth(text) > maxDepth) return { result: { error: 'depth' } };
    return { result: { text } };
  },
  gzipJson({ value }) { return gzipped(Buffer.from(JSON.stringify(value), 'utf8')); },
  gzipText({ text }) { return gzipped(Buffer.from(text, 'utf8')); },
  gunzipText({ gz }) { return { result: { text: gunzipSync(gz).toString('utf8') } }; },
  gunzipJson({ gz }) { return { result: { value: JSON.parse(gunzipSync(gz).toString('utf8')) } }; },
};

parentPort.on('message', ({ op, args }) => {
  try {
    const { result, transfer } = ops[op](args);
    parentPort.postMessage({ result }, transfer || []);
  } catch (error) {
    parentPort.postMessage({ error: String((error && error.message) || error) });
  }
});
`;

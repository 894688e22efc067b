// A wasi:http handler in JavaScript for `wasmcap serve`'s tests, built into a component by
// componentize-js (tests/http/CMakeLists.txt): GET /anything answers with the path, POST /echo
// answers with the request body (read to its end, then written back).
import { ResponseOutparam, OutgoingResponse, OutgoingBody, Fields } from 'wasi:http/types@0.2.12';

const encoder = new TextEncoder();

function readBody(request) {
  const body = request.consume();
  const stream = body.stream();
  const chunks = [];
  let total = 0;
  for (;;) {
    let chunk;
    try {
      chunk = stream.blockingRead(65536n);
    } catch (e) {
      break; // closed: the end of the body
    }
    chunks.push(chunk);
    total += chunk.length;
  }
  stream[Symbol.dispose]();
  const all = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return all;
}

export const incomingHandler = {
  handle(request, responseOut) {
    const path = request.pathWithQuery() ?? '/';
    const method = request.method().tag;
    const payload = path.startsWith('/echo')
      ? readBody(request)
      : encoder.encode(`hello from javascript: ${method} ${path}\n`);
    const headers = new Fields();
    headers.append('content-type', encoder.encode('text/plain'));
    headers.append('x-handler', encoder.encode('js'));
    const response = new OutgoingResponse(headers);
    const body = response.body();
    ResponseOutparam.set(responseOut, { tag: 'ok', val: response });
    const out = body.write();
    for (let at = 0; at < payload.length; at += 4096) {
      out.blockingWriteAndFlush(payload.subarray(at, at + 4096));
    }
    out[Symbol.dispose]();
    OutgoingBody.finish(body, undefined);
  },
};

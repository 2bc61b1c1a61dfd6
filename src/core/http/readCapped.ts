import type { Dispatcher } from 'undici';

/** A body larger than the reader's cap: it was not read (or reading stopped and the connection was dropped). */
export class ResponseTooLargeError extends Error {
  readonly code = 'ERR_RESPONSE_TOO_LARGE';
}

/**
 * The body as text, read as a stream: a `content-length` above `max` is refused before reading, and reading
 * stops (the connection is dropped) as soon as the body grows past it.
 */
export async function readCapped(res: Dispatcher.ResponseData, host: string, max: number): Promise<string> {
  const tooLarge = (): ResponseTooLargeError => new ResponseTooLargeError(`The response of ${host} was larger than ${max / 1024 / 1024} MiB; stopped reading it.`);
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) {
    res.body.destroy();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) {
      res.body.destroy();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

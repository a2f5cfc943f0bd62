import fastifyMultipart, { type MultipartFile, type Multipart } from '@fastify/multipart';
import type { INestApplicationContext } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'stream';
import { ATTACHMENT_STAGES, AttachmentStage } from '../../../../libs/persistence/src/entities';
import { AuthService } from '../auth/auth.service';
import { Principal } from '../auth/principal';
import { AppError, BadUserInputError, ErrorCode, FieldIssue, InternalError } from '../common/app-error';
import { SNIFF_BYTES, cleanFileName, contentDisposition, isAllowedContentType, sniffContentType } from './attachment.util';
import { toAttachmentDto } from './dtos/attachment.dto';
import { AttachmentRefusedError } from './exceptions/attachment.exception';
import { AttachmentsService } from './services/attachments.service';

export const UPLOAD_ROUTE = '/attachments';
export const DOWNLOAD_ROUTE = '/attachments/:id';
/** Both routes: authenticated and rate-limited like GraphQL (bootstrap.ts). */
export const ATTACHMENT_ROUTES = [UPLOAD_ROUTE, DOWNLOAD_ROUTE] as const;

const ALLOWED_NAMES = 'JPEG, PNG, WebP, HEIC/HEIF or PDF';

const STATUS: Partial<Record<ErrorCode, number>> = {
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.BAD_USER_INPUT]: 400,
  [ErrorCode.RATE_LIMITED]: 429,
  [ErrorCode.UNAVAILABLE]: 503,
};
const REFUSAL_STATUS = { TYPE: 415, SIZE: 413, COUNT: 400 } as const;

/**
 * The error body of these routes, like the console's export route: `{ error: { code, message,
 * field?, fields? } }` (`field` is the first field named), with the status of its code.
 */
function errorReply(reply: FastifyReply, e: AppError): FastifyReply {
  const status = e instanceof AttachmentRefusedError ? REFUSAL_STATUS[e.refusal] : STATUS[e.code] ?? 500;
  const error: { code: string; message: string; field?: string; fields?: FieldIssue[] } = { code: e.code, message: e.message };
  if (e.fields?.length) {
    error.field = e.fields[0].field;
    error.fields = e.fields;
  }
  return reply.code(status).header('cache-control', 'no-store').send({ error });
}

/** A field sent once, before the file, as text. */
function formField(part: MultipartFile, name: string): string {
  const f = part.fields[name] as Multipart | Multipart[] | undefined;
  if (f === undefined) throw new BadUserInputError([{ field: name, message: 'is required (a form field sent before the file)' }]);
  if (Array.isArray(f) || f.type !== 'field') throw new BadUserInputError([{ field: name, message: 'must be sent once, as a text field' }]);
  return String(f.value);
}

function readStage(value: string): AttachmentStage {
  if (!(ATTACHMENT_STAGES as readonly string[]).includes(value)) {
    throw new BadUserInputError([{ field: 'stage', message: `must be one of ${ATTACHMENT_STAGES.join(', ')}` }]);
  }
  return value as AttachmentStage;
}

/** Pulls chunks until at least `bytes` have come (or the file ended): what the type is sniffed from. */
async function readHead(chunks: AsyncIterator<Buffer>, bytes: number): Promise<{ head: Buffer[]; size: number; ended: boolean }> {
  const head: Buffer[] = [];
  let size = 0;
  while (size < bytes) {
    const r = await chunks.next();
    if (r.done) return { head, size, ended: true };
    head.push(r.value);
    size += r.value.length;
  }
  return { head, size, ended: false };
}

/** The whole file again (head, then the rest as it arrives), failing once it is larger than `maxBytes`. */
async function* wholeFile(
  head: { head: Buffer[]; size: number; ended: boolean }, chunks: AsyncIterator<Buffer>, file: { truncated: boolean }, maxBytes: number, name: string,
): AsyncGenerator<Buffer> {
  const tooLarge = () => new AttachmentRefusedError('SIZE', 'file', `"${name}" is larger than the ${maxBytes} bytes an attachment may have`);
  let size = head.size;
  if (size > maxBytes) throw tooLarge();
  yield* head.head;
  if (!head.ended) {
    for (let r = await chunks.next(); !r.done; r = await chunks.next()) {
      size += r.value.length;
      if (size > maxBytes) throw tooLarge();
      yield r.value;
    }
  }
  // The multipart parser stops a file at the limit and marks it truncated.
  if (file.truncated) throw tooLarge();
}

/** Reads past the rest of the upload (so the refusal is answered once the request is in), ignoring its errors. */
async function drain(chunks: AsyncIterator<Buffer>): Promise<void> {
  try {
    while (!(await chunks.next()).done) { /* discard */ }
  } catch {
    // A broken upload has nothing left to read.
  }
}

/** The stored bytes as a stream that has already produced its first chunk: a missing file fails here, before any header is sent. */
async function started(content: Readable): Promise<Readable> {
  const chunks = content[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const first = await chunks.next();
  return Readable.from((async function* () {
    if (first.done) return;
    yield first.value;
    for (let r = await chunks.next(); !r.done; r = await chunks.next()) yield r.value;
  })());
}

/**
 * POST /attachments — multipart/form-data: `complaintId`, `stage` (INTAKE, FOLLOW_UP, COMPLETION),
 * then one `file`. Authenticated like GraphQL (the same AuthService and bearer token). The complaint
 * must be one the caller sees (else 404 NOT_FOUND, as for none) and they must be staff of its branch
 * or its assignee (403). The type is sniffed from the content (415 unless JPEG, PNG, WebP, HEIC/HEIF
 * or PDF; what the client declared is ignored), the size limited (413 over ATTACHMENT_MAX_BYTES),
 * a complaint holds at most 20. The file streams to the store: only its first bytes are held in
 * memory, and a refused file leaves nothing stored. 201 with the attachment.
 *
 * GET /attachments/:id — the file with its sniffed Content-Type, `Content-Disposition: attachment`
 * (RFC 5987 `filename*` for Chinese names) and `nosniff`, to whoever sees its complaint; another
 * tenant's (or an unreachable complaint's) 404 NOT_FOUND, a malformed id 400.
 */
export async function installAttachments(fastify: FastifyInstance, app: INestApplicationContext): Promise<void> {
  const auth = app.get(AuthService);
  const service = app.get(AttachmentsService);
  const { maxBytes } = service.settings;

  // Its own plugin scope: the multipart parser serves these routes only (GraphQL keeps refusing multipart).
  await fastify.register(async (scope) => {
    // (@fastify/busboy reads a UTF-8 filename="…" as UTF-8, and filename*= per RFC 5987.)
    await scope.register(fastifyMultipart);

    scope.post(UPLOAD_ROUTE, async (req: FastifyRequest, reply: FastifyReply) => {
      let chunks: AsyncIterator<Buffer> | null = null;
      try {
        const p: Principal = await auth.authenticate(req);
        if (!req.isMultipart()) throw new BadUserInputError([{ field: 'file', message: 'send multipart/form-data: complaintId, stage, then one file' }]);
        const part = await req.file({ limits: { fileSize: maxBytes, files: 1, fields: 4, fieldSize: 256, parts: 6 } });
        if (!part) throw new BadUserInputError([{ field: 'file', message: 'is required (one file, after complaintId and stage)' }]);
        chunks = part.file[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
        const complaintId = formField(part, 'complaintId');
        const stage = readStage(formField(part, 'stage'));
        const fileName = cleanFileName(part.filename);
        const complaint = await service.attachTarget(p, complaintId);
        const head = await readHead(chunks, SNIFF_BYTES);
        const contentType = await sniffContentType(Buffer.concat(head.head).subarray(0, SNIFF_BYTES));
        if (!isAllowedContentType(contentType)) {
          throw new AttachmentRefusedError('TYPE', 'file', `"${fileName}" is not an allowed type (detected ${contentType}); attach ${ALLOWED_NAMES}`);
        }
        const saved = await service.attach(p, complaint, { stage, fileName, contentType }, Readable.from(wholeFile(head, chunks, part.file, maxBytes, fileName)));
        return reply.code(201).header('cache-control', 'no-store').send(toAttachmentDto(saved));
      } catch (err) {
        if (chunks) await drain(chunks);
        if (err instanceof AppError) return errorReply(reply, err);
        // The multipart parser's own refusals (not multipart, too many parts, …) are the client's.
        const status = (err as { statusCode?: number }).statusCode;
        if (status && status >= 400 && status < 500) return errorReply(reply, new BadUserInputError([{ field: 'file', message: (err as Error).message }]));
        throw err;
      }
    });

    scope.get<{ Params: { id: string } }>(DOWNLOAD_ROUTE, async (req, reply) => {
      try {
        const p = await auth.authenticate(req);
        const { attachment: a, content } = await service.open(p, req.params.id);
        let body: Readable;
        try {
          body = await started(content);
        } catch (err) {
          req.log.error({ err: { message: (err as Error).message }, attachmentId: a.id }, 'attachment: stored file unreadable');
          throw new InternalError('the attachment\'s file cannot be read');
        }
        return reply
          .header('content-type', a.contentType)
          .header('content-length', String(a.sizeBytes))
          .header('content-disposition', contentDisposition(a.fileName))
          .header('x-content-type-options', 'nosniff')
          // Opened directly, it runs nothing and reaches nothing (a PDF's scripts included).
          .header('content-security-policy', 'default-src \'none\'; sandbox')
          .header('cache-control', 'private, no-store')
          .send(body);
      } catch (err) {
        if (err instanceof AppError) return errorReply(reply, err);
        throw err;
      }
    });
  });
}

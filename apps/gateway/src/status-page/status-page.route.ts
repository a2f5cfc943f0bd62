import { Logger, type INestApplicationContext } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'crypto';
import { statusLinkSettings, verifyStatusLink, type StatusLinkPayload } from '../../../../libs/domain/src/notifications/status-link.util';
import { UnavailableError } from '../common/app-error';
import { DATA_SOURCE } from '../common/database.provider';
import { GatewayConfig } from '../common/gateway.config';
import { isInfrastructureFailure } from '../common/infrastructure-errors';
import { TemporalClientProvider } from '../common/temporal.provider';
import { CustomerAnswer, StatusPageService } from './services/status-page.service';
import {
  BAD_REQUEST_PAGE, ERROR_PAGE, EXPIRED_PAGE, INVALID_PAGE, NOT_AWAITING_PAGE, RATE_LIMITED_PAGE, ResponseNotice, UNAVAILABLE_PAGE, statusPage,
} from './status-page.html';

/**
 * The customer status page (no login): GET /s/<token> shows one complaint's status; POST
 * /s/<token>/response confirms or disputes its callback result. Routes are wildcards because a
 * token (about 165 characters) is longer than Fastify's 100-character limit on a route parameter.
 */
export const STATUS_PAGE_ROUTE = '/s/*';
const RESPONSE_SUFFIX = '/response';
const MAX_COMMENT_CHARS = 200;
/** Answers through one link: a few tries and a change of mind, not a flood of signals. */
export const RESPONSES_PER_LINK = 10;
const RESPONSE_WINDOW_MS = 15 * 60_000;
const logger = new Logger('StatusPage');

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
};

function html(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).headers(SECURITY_HEADERS).type('text/html; charset=utf-8').send(body);
}

type LinkCheck = { ok: true; link: StatusLinkPayload } | { ok: false; page: [number, string] };

/** The form's fields, or null when they are not a known answer and a short comment. */
function readAnswer(body: unknown): CustomerAnswer | null {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return null;
  const { response, comment } = body as Record<string, unknown>;
  if (response !== 'CONFIRMED' && response !== 'DISPUTED') return null;
  if (comment !== undefined && typeof comment !== 'string') return null;
  // Control characters out (newlines kept), whitespace trimmed; length in characters as the customer counts them.
  const text = (comment ?? '').replace(/[\u0000-\u0009\u000b-\u001f\u007f]/g, '').trim();
  if ([...text].length > MAX_COMMENT_CHARS) return null;
  return { response, comment: text === '' ? null : text };
}

/** Installs the status page's routes (after installRateLimits: it uses the registered rate limiter). */
export function installStatusPage(fastify: FastifyInstance, app: INestApplicationContext, config: GatewayConfig): void {
  const settings = statusLinkSettings(process.env, { jwtSecret: config.jwtSecret, ownUrl: `http://${config.host}:${config.port}` });
  const { secret } = settings;
  if (!secret) logger.warn('no STATUS_LINK_SECRET (nor JWT_SECRET to derive one): every status link is answered as unavailable');
  const service = new StatusPageService(app.get(DATA_SOURCE), app.get(TemporalClientProvider));
  // Keyed on a hash of the token: one link's answers are limited, whoever sends them.
  const perLink = fastify.createRateLimit({
    max: RESPONSES_PER_LINK, timeWindow: RESPONSE_WINDOW_MS,
    keyGenerator: (req) => `status-link:${createHash('sha256').update(String((req.params as Record<string, string>)['*'])).digest('base64url')}`,
  });

  const check = (token: string): LinkCheck => {
    if (!secret) return { ok: false, page: [503, UNAVAILABLE_PAGE] };
    const r = verifyStatusLink(secret, token, new Date());
    if (!r.ok) return { ok: false, page: r.reason === 'expired' ? [410, EXPIRED_PAGE] : [404, INVALID_PAGE] };
    return { ok: true, link: r.payload };
  };

  const failed = (req: FastifyRequest, reply: FastifyReply, err: unknown): FastifyReply => {
    if (err instanceof UnavailableError || isInfrastructureFailure(err)) {
      logger.warn(`a dependency is unavailable (request ${req.id}): ${(err as Error).message}`);
      return html(reply, 503, UNAVAILABLE_PAGE);
    }
    logger.error(`failed (request ${req.id}): ${(err as Error)?.message}`, (err as Error)?.stack);
    return html(reply, 500, ERROR_PAGE);
  };

  fastify.get<{ Params: { '*': string }; Querystring: Record<string, unknown> }>(STATUS_PAGE_ROUTE, async (req, reply) => {
    const token = req.params['*'];
    const checked = check(token);
    if (!checked.ok) return html(reply, ...checked.page);
    try {
      const view = await service.view(checked.link);
      // A genuine link to a complaint that is not there is answered like an altered one.
      if (!view) return html(reply, 404, INVALID_PAGE);
      const done = req.query?.done;
      // Just sent (the redirect says so), or already on the timeline: the answer, not the form again.
      const notice: ResponseNotice | null = view.awaitingConfirmation ? (done === 'CONFIRMED' || done === 'DISPUTED' ? done : view.answered) : null;
      return html(reply, 200, statusPage(view, { responsePath: `/s/${token}${RESPONSE_SUFFIX}`, notice }));
    } catch (err) {
      return failed(req, reply, err);
    }
  });

  fastify.post<{ Params: { '*': string } }>(STATUS_PAGE_ROUTE, async (req, reply) => {
    const path = req.params['*'];
    if (!path.endsWith(RESPONSE_SUFFIX)) return html(reply, 404, INVALID_PAGE);
    const token = path.slice(0, -RESPONSE_SUFFIX.length);
    const checked = check(token);
    if (!checked.ok) return html(reply, ...checked.page);
    // Before any read or signal: a flood through one link costs nothing.
    const limit = await perLink(req);
    if (!limit.isAllowed && limit.isExceeded) return html(reply.header('retry-after', String(Math.max(1, limit.ttlInSeconds))), 429, RATE_LIMITED_PAGE);
    const answer = readAnswer(req.body);
    if (!answer) return html(reply, 400, BAD_REQUEST_PAGE);
    try {
      const outcome = await service.respond(checked.link, token, answer, new Date());
      if (outcome === 'NOT_FOUND') return html(reply, 404, INVALID_PAGE);
      if (outcome === 'NOT_AWAITING') return html(reply, 409, NOT_AWAITING_PAGE);
      // Post/redirect/get: a reload does not send the answer again.
      return reply.code(303).headers(SECURITY_HEADERS).header('location', `/s/${token}?done=${answer.response}`).send();
    } catch (err) {
      return failed(req, reply, err);
    }
  });
}

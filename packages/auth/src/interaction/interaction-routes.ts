import Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import type { Logger } from 'pino';
import type { AuthSettings } from '../config';
import { GnapError, invalidRequest, isGnapError } from '../errors';
import { gnapErrorHandler } from '../http/gnap-errors';
import { interactionUrl } from '../http/public-url';
import { readRawBody } from '../http/read-body';
import type { Grant } from '../store/grants';
import { secretsEqual } from '../tokens';
import { HTML_HEADERS, renderConsentPage, renderMessagePage } from './consent-page';
import { describeGrant } from './describe-grant';
import {
  decideInteraction,
  finishInteraction,
  interactionDetails,
  loadSessionInteraction,
  startInteraction,
  type InteractionDeps,
} from './interaction-service';
import { clearedSessionCookie, csrfToken, isValidCsrfToken, readSessionCookie, sessionCookie } from './session';

export interface InteractionRoutesDeps extends InteractionDeps {
  logger: Logger;
}

/**
 * The interaction listener (AUTH_INTERACTION_PORT): the front channel the user's browser follows
 * (`/interact/:id/:nonce`, its `/finish`, and the built-in `/consent` page) and Rafiki's IdP back channel
 * (`/grant/:id/:nonce` and its `/accept` / `/reject`, authenticated by `x-idp-secret`).
 */
export function createInteractionRoutes(deps: InteractionRoutesDeps): Middleware {
  const logger = deps.logger.child({ listener: 'auth-interaction' });
  const browser = createBrowserRouter(deps, logger).routes() as Middleware;
  const idp = createIdpRouter(deps, logger).routes() as Middleware;
  return (ctx, next) => browser(ctx, () => idp(ctx, next));
}

function createBrowserRouter(deps: InteractionRoutesDeps, logger: Logger): Router {
  const { settings } = deps;
  const router = new Router();
  router.use(htmlErrorHandler(logger));

  router.get('/interact/:id/:nonce', async (ctx) => {
    const { id, nonce } = ctx.params;
    const result = await startInteraction(deps, id, nonce);
    if (result.kind === 'redirect') return ctx.redirect(result.url);
    ctx.set('set-cookie', sessionCookie(result.sessionToken, cookiePath(settings, id, nonce), cookieOptions(settings)));
    ctx.set('cache-control', 'no-store');
    if (settings.identityServerUrl === undefined) return ctx.redirect(interactionUrl(settings, id, nonce, '/consent'));
    const target = new URL(settings.identityServerUrl);
    target.searchParams.set('interactId', id);
    target.searchParams.set('nonce', nonce);
    target.searchParams.set('clientName', result.grant.clientName ?? '');
    target.searchParams.set('clientUri', result.grant.clientWalletAddress ?? '');
    ctx.redirect(target.href);
  });

  router.get('/interact/:id/:nonce/finish', async (ctx) => {
    const { id, nonce } = ctx.params;
    const result = await finishInteraction(deps, id, nonce, readSessionCookie(ctx.get('cookie') || undefined));
    ctx.set('set-cookie', clearedSessionCookie(cookiePath(settings, id, nonce), cookieOptions(settings).secure));
    if (result.kind === 'redirect') return ctx.redirect(result.url);
    sendHtml(
      ctx,
      200,
      result.approved
        ? renderMessagePage('Access granted', 'You can close this window and return to the application.')
        : renderMessagePage('Access not granted', 'You can close this window and return to the application.'),
    );
  });

  router.get('/interact/:id/:nonce/consent', async (ctx) => {
    const { id, nonce } = ctx.params;
    requireBuiltInConsent(settings);
    const session = readSessionCookie(ctx.get('cookie') || undefined);
    const found = await loadSessionInteraction(deps, id, nonce, session);
    sendHtml(ctx, 200, consentPage(settings, found.grant, id, nonce, session as string));
  });

  router.post('/interact/:id/:nonce/consent', async (ctx) => {
    const { id, nonce } = ctx.params;
    requireBuiltInConsent(settings);
    const session = readSessionCookie(ctx.get('cookie') || undefined);
    const found = await loadSessionInteraction(deps, id, nonce, session);
    const form = new URLSearchParams((await readRawBody(ctx, 8 * 1024)).toString('utf8'));
    if (!isValidCsrfToken(session as string, form.get('csrf'))) {
      throw new GnapError(403, 'invalid_request', 'the form is stale or was not sent from the consent page');
    }
    const choice = form.get('choice');
    if (choice !== 'accept' && choice !== 'reject') throw invalidRequest('choose accept or reject');
    if (choice === 'accept' && !secretsEqual(form.get('secret') ?? '', settings.consentSecret)) {
      const page = consentPage(settings, found.grant, id, nonce, session as string, 'Wrong consent secret.');
      return sendHtml(ctx, 401, page);
    }
    await decideInteraction(deps, id, nonce, choice);
    // 303: the browser follows with a GET, so a reload cannot resubmit the decision.
    ctx.status = 303;
    ctx.redirect(interactionUrl(settings, id, nonce, '/finish'));
  });

  return router;
}

function createIdpRouter(deps: InteractionRoutesDeps, logger: Logger): Router {
  const router = new Router();
  router.use(gnapErrorHandler(logger));
  router.use(async (ctx, next) => {
    const secret = ctx.get('x-idp-secret');
    if (secret === '' || !secretsEqual(secret, deps.settings.idpSecret)) {
      throw new GnapError(401, 'invalid_request', 'invalid x-idp-secret');
    }
    await next();
  });

  router.get('/grant/:id/:nonce', async (ctx) => {
    ctx.body = await interactionDetails(deps, ctx.params.id, ctx.params.nonce);
  });

  router.post('/grant/:id/:nonce/:choice', async (ctx) => {
    const { id, nonce, choice } = ctx.params;
    if (choice !== 'accept' && choice !== 'reject') throw invalidRequest('choice must be accept or reject');
    await decideInteraction(deps, id, nonce, choice);
    ctx.status = 202;
  });

  return router;
}

function consentPage(
  settings: AuthSettings,
  grant: Grant,
  id: string,
  nonce: string,
  session: string,
  error?: string,
): string {
  return renderConsentPage({
    clientName: grant.clientName ?? 'An application',
    clientUri: grant.clientWalletAddress ?? '',
    sections: describeGrant(grant.access, grant.subject),
    action: interactionUrl(settings, id, nonce, '/consent'),
    csrf: csrfToken(session),
    error,
  });
}

function requireBuiltInConsent(settings: AuthSettings): void {
  // With an identity provider configured, consent is its job; the built-in page would be a second way in.
  if (settings.identityServerUrl !== undefined) {
    throw new GnapError(404, 'invalid_request', 'consent is handled by the identity provider');
  }
}

function cookiePath(settings: AuthSettings, id: string, nonce: string): string {
  return new URL(interactionUrl(settings, id, nonce)).pathname;
}

function cookieOptions(settings: AuthSettings): { secure: boolean; maxAgeSeconds: number } {
  return { secure: settings.interactionBaseUrl.startsWith('https:'), maxAgeSeconds: settings.interactionExpirySeconds };
}

function sendHtml(ctx: Context, status: number, html: string): void {
  ctx.status = status;
  ctx.set(HTML_HEADERS);
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = html;
}

/** Browser routes answer refusals with a readable page, with the same status a JSON client would get. */
function htmlErrorHandler(logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      if (!isGnapError(error)) {
        logger.error({ err: error, method: ctx.method, route: ctx._matchedRoute }, 'interaction request failed');
        return sendHtml(ctx, 500, renderMessagePage('Something went wrong', 'Please try again later.'));
      }
      logger.debug({ method: ctx.method, route: ctx._matchedRoute, code: error.code }, error.message);
      sendHtml(ctx, error.status, renderMessagePage('This link cannot be used', error.message));
    }
  };
}

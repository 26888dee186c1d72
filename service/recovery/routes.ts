import type { FastifyInstance, FastifyReply } from 'fastify';

import type { ServiceContext } from '../context';
import { clientAddress } from '../http/client-address';
import { defineRoute } from '../http/define-route';
import type { RecoveryThrottlePolicies } from './policy';
import { RecoveryService, type DeferredEmail } from './recovery-service';

/**
 * How long after the response has gone out a recovery email is handed to the notifier. Building the
 * MIME message and talking SMTP cost a few milliseconds of this process's CPU; started at once,
 * that work would overlap the delivery of the response and make a matched request measurably
 * slower than an unmatched one, which tells an attacker that the holder exists.
 */
export const emailDelayMs = 100;

/**
 * Sends the email once the response has gone out (or the client went away), after `emailDelayMs`.
 * A failure is logged; the outbox row stays unsent for an operator to see.
 */
function sendAfterResponse(context: ServiceContext, reply: FastifyReply, email: DeferredEmail): void {
  if (!email) return;
  reply.raw.once('close', () => {
    setTimeout(() => {
      context.notifier.sendEmail(email).catch((error: unknown) => {
        context.logger.warn({ err: error }, 'a recovery email could not be sent');
      });
    }, emailDelayMs);
  });
}

export function registerRecoveryRoutes(app: FastifyInstance, context: ServiceContext, options: { throttle?: Partial<RecoveryThrottlePolicies> } = {}): void {
  const recovery = new RecoveryService(context, { throttle: options.throttle });

  defineRoute(app, context, 'startRecovery', async ({ body, request, reply }) => {
    const { response, email } = await recovery.start(body, clientAddress(request));
    sendAfterResponse(context, reply, email);
    return response;
  });

  defineRoute(app, context, 'verifyRecovery', async ({ body, params, request, reply }) => {
    const { response, email } = await recovery.verify(params.id, body.code, clientAddress(request));
    sendAfterResponse(context, reply, email);
    return response;
  });

  defineRoute(app, context, 'revealRecoveredErc', async ({ body, params, request, reply }) => {
    const { response, email } = await recovery.revealErc(params.id, body, clientAddress(request));
    sendAfterResponse(context, reply, email);
    return response;
  });

  defineRoute(app, context, 'resetRecoveredPassword', async ({ body, params, request, reply }) => {
    const { response, email } = await recovery.resetPassword(params.id, body, clientAddress(request));
    sendAfterResponse(context, reply, email);
    return response;
  });

  defineRoute(app, context, 'resetPasswordWithErc', async ({ body, request, reply }) => {
    const { response, email } = await recovery.resetPasswordWithErc(body, clientAddress(request));
    sendAfterResponse(context, reply, email);
    return response;
  });
}

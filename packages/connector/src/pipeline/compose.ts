// Runs middlewares in order. Every step sees its successors' outcome as a reply, never as an exception: an error
// thrown anywhere below becomes a Reject right there (IlpError → its code; anything else → T00), so a step that
// holds money always learns that the packet failed and can give the money back.
import { IlpError, IlpErrorCode, type IlpReject, type IlpReply } from '@sluice/ilp';
import type { Logger } from 'pino';
import type { PacketContext, PacketMiddleware } from './packet-context';

export type PacketHandler = (ctx: PacketContext) => Promise<IlpReply>;

export function createRejectFactory(
  ilpAddress: string,
  logger: Logger,
): (error: unknown, ctx: PacketContext) => IlpReject {
  return (error, ctx) => {
    if (error instanceof IlpError) return error.toReject(ilpAddress);
    logger.error({ err: error, destination: ctx.prepare.destination }, 'unexpected error handling a packet');
    return {
      code: IlpErrorCode.T00_INTERNAL_ERROR,
      triggeredBy: ilpAddress,
      message: 'internal error',
      data: Buffer.alloc(0),
    };
  };
}

export function composePipeline(
  middlewares: readonly PacketMiddleware[],
  toReject: (error: unknown, ctx: PacketContext) => IlpReject,
): PacketHandler {
  return (ctx) => {
    const dispatch = async (index: number): Promise<IlpReply> => {
      const middleware = middlewares[index];
      if (!middleware) {
        return toReject(new IlpError(IlpErrorCode.T00_INTERNAL_ERROR, 'pipeline ended without a reply'), ctx);
      }
      try {
        return await middleware(ctx, () => dispatch(index + 1));
      } catch (error) {
        return toReject(error, ctx);
      }
    };
    return dispatch(0);
  };
}

import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join, resolve } from 'node:path';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import express from 'express';
import { GraphQLError, type ValidationRule } from 'graphql';
import { type AuthLimits, authenticate } from './graphql/auth.ts';
import { type ApiContext, createContext } from './graphql/context.ts';
import type { ApiDeps, RateLimitOptions } from './graphql/deps.ts';
import { createFormatError, DomainError, toRequestError } from './graphql/errors.ts';
import { jitGateway } from './graphql/executor.ts';
import { operationLimitsPlugin } from './graphql/limits.ts';
import { RateLimiter } from './graphql/rate-limit.ts';
import { buildLeadsyncSchema } from './graphql/schema.ts';
import { metricsRoute } from './http/metrics.ts';
import { recordsCsvRoute } from './http/records-csv.ts';
import { DEFAULT_UPLOAD_MAX_BYTES, uploadRoutes } from './http/uploads.ts';

export interface ApiServerOptions {
  deps: ApiDeps;
  /** Production: no introspection, no landing page, no stack traces. */
  production: boolean;
  /** Per API key; `false` turns the limit off (benchmarks). Default: bursts of 300, 50 per second. */
  rateLimit?: RateLimitOptions | false;
  /** Failed authentications per client address; `false`: no limit. Default: bursts of 1,000, 10 per second. */
  authFailureLimit?: RateLimitOptions | false;
  /** The console's built files (`apps/web/dist`); served with an SPA fallback when the folder exists. */
  webDist?: string;
  /** Largest accepted request body (the CSV connector's file travels in one). Default `10mb`. */
  bodyLimit?: string;
  /** `/healthz` answers 200 only while this is true (database, API and worker ready). */
  isReady?: () => boolean;
  /** When set, `/metrics` asks for `Authorization: Bearer <token>`. */
  metricsToken?: string;
  /** Largest file `POST /uploads` accepts, in bytes; default DEFAULT_UPLOAD_MAX_BYTES (500 MB). */
  uploadMaxBytes?: number;
}

export interface ApiServer {
  app: express.Express;
  httpServer: Server;
  /** Stops Apollo and, through its drain plugin, the HTTP server. */
  stop(): Promise<void>;
}

/** Refuses `__schema` (the whole-schema introspection that tools dump) in production. */
const noSchemaDump: ValidationRule = (context) => ({
  Field(node) {
    if (node.name.value === '__schema') {
      context.reportError(
        new GraphQLError('Schema introspection is turned off in production', { nodes: node }),
      );
    }
  },
});

/** The worst-case number of fields an operation may resolve (graphql/limits.ts); the console's largest is ~6,000. */
export const MAX_QUERY_COST = 20_000;

export const DEFAULT_RATE_LIMIT: RateLimitOptions = { burst: 300, perSecond: 50 };
export const DEFAULT_AUTH_FAILURE_LIMIT: RateLimitOptions = { burst: 1_000, perSecond: 10 };

/**
 * Answers a body the JSON parser refused (malformed, too large, a charset it cannot read) as a GraphQL error in JSON,
 * with a sentence of our own: the parser's messages quote the body, and Express's default handler adds the stack.
 */
function bodyErrors(limit: string): express.ErrorRequestHandler {
  return (error, _req, res, next) => {
    const type = (error as { type?: unknown }).type;
    const status = (error as { status?: unknown }).status;
    if (typeof status !== 'number' || status >= 500) {
      next(error);
      return;
    }
    const [code, message] =
      type === 'entity.too.large'
        ? ['PAYLOAD_TOO_LARGE', `The request body is larger than ${limit}.`]
        : type === 'entity.parse.failed'
          ? ['BAD_REQUEST', 'The request body is not valid JSON.']
          : ['BAD_REQUEST', 'The request body cannot be read as JSON in UTF-8.'];
    res.status(status).json({ errors: [{ message, extensions: { code } }] });
  };
}

/** Express 5 with `/healthz`, `/graphql`, `/runs/:id/records.csv`, `/uploads` and the console; not yet listening. */
export async function createApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const { deps, production } = options;
  const app = express();
  app.disable('x-powered-by');
  // No ETag on answers sent with res.send (GraphQL, /healthz, /metrics): a SHA-1 of every ~60 KB answer was 1.4 % of
  // the API's CPU (issue 22), for POST answers no client revalidates. Static files keep theirs (express.static).
  app.set('etag', false);
  const httpServer = createServer(app);
  const perKey =
    options.rateLimit === false ? undefined : new RateLimiter(options.rateLimit ?? DEFAULT_RATE_LIMIT);
  const failures =
    options.authFailureLimit === false
      ? undefined
      : new RateLimiter(options.authFailureLimit ?? DEFAULT_AUTH_FAILURE_LIMIT);
  /** The limits of one request; the client address is the socket's (Express's `trust proxy` is not set). */
  const limitsOf = (req: express.Request): AuthLimits => ({
    perKey,
    failures: failures && { limiter: failures, address: req.socket.remoteAddress ?? 'unknown' },
  });

  const armor = new ApolloArmor({
    maxDepth: { n: 12 },
    // Replaced by operationLimitsPlugin, which also weighs page sizes given as variables and schema defaults.
    costLimit: { enabled: false },
    maxAliases: { n: 20 },
    // Tokens are limited by the parser itself (parseOptions below), which answers 400 instead of a 500.
    maxTokens: { enabled: false },
    maxDirectives: { n: 20 },
    blockFieldSuggestion: { enabled: production },
  }).protect();

  const apollo = new ApolloServer<ApiContext>({
    // The schema, run by graphql-jit for queries (graphql/executor.ts; issue 22).
    gateway: jitGateway(await buildLeadsyncSchema()),
    // Production: no whole-schema dumps (`__schema`); `__type` stays, so the console can ask which optional
    // fields this API has (apps/web capabilities) without learning more than the names it asks about.
    introspection: true,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    parseOptions: { maxTokens: 2_000 },
    formatError: createFormatError(deps.logger),
    validationRules: [...armor.validationRules, ...(production ? [noSchemaDump] : [])],
    plugins: [
      ...(armor.plugins as ApolloServerPlugin<ApiContext>[]),
      operationLimitsPlugin<ApiContext>({ maxCost: MAX_QUERY_COST }),
      ApolloServerPluginDrainHttpServer({ httpServer }),
      // No HTTP cache hints are used; skipping them saves work on every field.
      ApolloServerPluginCacheControlDisabled(),
      production
        ? ApolloServerPluginLandingPageDisabled()
        : ApolloServerPluginLandingPageLocalDefault({ embed: true }),
    ],
  });
  await apollo.start();

  app.get('/healthz', (_req, res) => {
    const ready = options.isReady?.() ?? true;
    res.status(ready ? 200 : 503).json({ status: ready ? 'ok' : 'starting' });
  });

  const bodyLimit = options.bodyLimit ?? '10mb';
  app.use(
    '/graphql',
    express.json({ limit: bodyLimit }),
    bodyErrors(bodyLimit),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        try {
          const principal = await authenticate(deps.db, req.headers.authorization, limitsOf(req));
          return createContext(deps, principal);
        } catch (error) {
          if (error instanceof DomainError) throw toRequestError(error);
          throw error;
        }
      },
    }),
  );

  app.get('/runs/:id/records.csv', recordsCsvRoute(deps, limitsOf));
  // Files travel here in chunks, never through /graphql (whose JSON bodies stop at 10 MB).
  app.use(uploadRoutes(deps, { maxBytes: options.uploadMaxBytes ?? DEFAULT_UPLOAD_MAX_BYTES }, limitsOf));
  app.get('/metrics', metricsRoute(deps.db, options.metricsToken));

  const webDist = options.webDist ? resolve(options.webDist) : undefined;
  if (webDist && existsSync(join(webDist, 'index.html'))) {
    app.use(express.static(webDist, { index: 'index.html', maxAge: production ? '1h' : 0 }));
    // The console routes on the client: any other GET that wants a page gets index.html.
    app.get('/{*path}', (req, res, next) => {
      if (
        req.path.startsWith('/graphql') ||
        req.path.startsWith('/runs/') ||
        req.path.startsWith('/uploads') ||
        req.path === '/metrics' ||
        !req.accepts('html')
      )
        return next();
      res.sendFile(join(webDist, 'index.html'));
    });
  }

  app.use((_req: express.Request, res: express.Response) => {
    res.status(404).json({ error: 'Not found' });
  });
  // Last: whatever a route threw is logged here and answered without its message, stack or a path of the machine
  // (Express's own handler shows the stack unless NODE_ENV is production).
  app.use((error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    deps.logger.error({ err: error }, 'internal error in an HTTP request');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(500).json({
      errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
    });
  });

  return {
    app,
    httpServer,
    async stop() {
      await apollo.stop();
      if (httpServer.listening) await new Promise<void>((done) => httpServer.close(() => done()));
    },
  };
}

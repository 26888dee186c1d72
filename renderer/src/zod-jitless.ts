import { z } from 'zod';

// zod 4 probes for eval support (`Function('')`) the first time it builds an object schema, and
// the page's CSP (`script-src 'self'`) reports that probe as a violation. The API schemas are
// built when common/api/routes.ts is imported, so main.ts imports this module before anything
// else. The renderer only uses the schemas for their types and never parses with them.
z.config({ jitless: true });

// oidc-provider as the real OpenID provider for account/oidc's interop test
// (interop_node_test.go). Test use only: it logs the configured account in
// without any credential. Usage: node provider.mjs config.json
// config.json: { port, issuer, jwks, clients, acrValues, account: { sub, acr, claims } }
// Prints "ready" on stdout once it listens on 127.0.0.1:port.
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const cfg = JSON.parse(readFileSync(process.argv[2], 'utf8'));

const provider = new Provider(cfg.issuer, {
  clients: cfg.clients,
  jwks: cfg.jwks,
  acrValues: cfg.acrValues,
  pkce: { required: () => true },
  claims: {
    openid: ['sub'],
    profile: ['given_name', 'family_name', 'birthdate'],
    email: ['email', 'email_verified'],
    address: ['address'],
  },
  cookies: { keys: ['interop-test-only-cookie-key'] },
  // The relying parties of the test listen on 127.0.0.1, which the
  // provider's SSRF protection refuses for back-channel logout POSTs:
  // drop its dispatcher (loopback test only).
  fetch: (url, options) => { const { dispatcher, ...rest } = options; return globalThis.fetch(url, rest); },
  features: {
    devInteractions: { enabled: false },
    backchannelLogout: { enabled: true },
    rpInitiatedLogout: {
      enabled: true,
      // A bare form the test submits (the default page is for humans).
      logoutSource: async (ctx, form) => { ctx.body = `<!DOCTYPE html><html><body>${form}</body></html>`; },
    },
  },
  findAccount: async (ctx, sub) => (sub === cfg.account.sub
    ? { accountId: sub, claims: async () => ({ sub, ...cfg.account.claims }) }
    : undefined),
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
});

// The login "interaction": the configured account logs in at once and
// grants what the client asked for.
provider.use(async (ctx, next) => {
  const m = ctx.path.match(/^\/interaction\/[^/]+$/);
  if (!m || ctx.method !== 'GET') return next();
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  const { prompt, params } = details;
  let result;
  if (prompt.name === 'login') {
    result = { login: { accountId: cfg.account.sub, acr: cfg.account.acr, amr: ['pwd'] } };
  } else {
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session.accountId, clientId: params.client_id });
    const d = prompt.details;
    if (d.missingOIDCScope) grant.addOIDCScope(d.missingOIDCScope.join(' '));
    if (d.missingOIDCClaims) grant.addOIDCClaims(d.missingOIDCClaims);
    if (d.missingResourceScopes) {
      for (const [indicator, scopes] of Object.entries(d.missingResourceScopes)) {
        grant.addResourceScope(indicator, scopes.join(' '));
      }
    }
    result = { consent: { grantId: await grant.save() } };
  }
  const to = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: true });
  ctx.status = 303;
  ctx.redirect(to);
});

provider.on('backchannel.error', (ctx, err, client) => { console.error('backchannel.error', client.clientId, err.message); });
provider.on('backchannel.success', (ctx, client) => { console.error('backchannel.success', client.clientId); });

provider.listen(cfg.port, '127.0.0.1', () => { console.log('ready'); });

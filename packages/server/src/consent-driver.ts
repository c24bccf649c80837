// Plays the resource owner of an interactive grant without a browser: the demo, the benchmarks and the end-to-end
// tests use it. Two ways, as a wallet's users would: the built-in consent page, or an identity provider that
// reports the decision over the IdP API.

export interface InteractionOutcome {
  interactRef?: string;
  hash?: string;
  /** `grant_rejected` when the owner said no. */
  result?: string;
}

function outcomeOf(finishRedirect: string | null): InteractionOutcome {
  if (!finishRedirect) throw new Error('the interaction did not redirect back to the client');
  const back = new URL(finishRedirect);
  return {
    interactRef: back.searchParams.get('interact_ref') ?? undefined,
    hash: back.searchParams.get('hash') ?? undefined,
    result: back.searchParams.get('result') ?? undefined,
  };
}

async function startInteraction(redirect: string): Promise<{ cookie: string; location: string }> {
  const start = await fetch(redirect, { redirect: 'manual' });
  const cookie = start.headers.getSetCookie()[0]?.split(';')[0];
  const location = start.headers.get('location');
  if (!cookie || !location) throw new Error(`the interaction did not start (${start.status})`);
  return { cookie, location };
}

/** Opens the built-in consent page from `interact.redirect` and accepts it with the consent secret. */
export async function acceptOnConsentPage(redirect: string, consentSecret: string): Promise<InteractionOutcome> {
  const { cookie, location } = await startInteraction(redirect);
  const page = await (await fetch(location, { headers: { cookie } })).text();
  const csrf = /<input type="hidden" name="csrf" value="([^"]*)">/.exec(page)?.[1];
  const action = /<form method="post" action="([^"]*)">/.exec(page)?.[1]?.replace(/&#38;/g, '&');
  if (!csrf || !action) throw new Error('the consent page has no form');
  const submitted = await fetch(action, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf, choice: 'accept', secret: consentSecret }).toString(),
    redirect: 'manual',
  });
  const finish = await fetch(submitted.headers.get('location') as string, { headers: { cookie }, redirect: 'manual' });
  return outcomeOf(finish.headers.get('location'));
}

/**
 * Starts the interaction, answers as the identity provider over the IdP API (`x-idp-secret`), and finishes it in the
 * same "browser"; returns what the client's finish URI received.
 */
export async function decideWithIdentityProvider(
  redirect: string,
  options: { interactionUrl: string; idpSecret: string; accept?: boolean },
): Promise<InteractionOutcome> {
  const { cookie, location } = await startInteraction(redirect);
  const idp = new URL(location);
  const interactId = idp.searchParams.get('interactId');
  const nonce = idp.searchParams.get('nonce');
  if (!interactId || !nonce) throw new Error('the identity provider redirect lacks interactId or nonce');
  const decision = options.accept === false ? 'reject' : 'accept';
  const answer = await fetch(`${options.interactionUrl}/grant/${interactId}/${nonce}/${decision}`, {
    method: 'POST',
    headers: { 'x-idp-secret': options.idpSecret },
  });
  if (answer.status !== 202) throw new Error(`the IdP ${decision} answered ${answer.status}`);
  const finish = await fetch(`${options.interactionUrl}/interact/${interactId}/${nonce}/finish`, {
    headers: { cookie },
    redirect: 'manual',
  });
  return outcomeOf(finish.headers.get('location'));
}

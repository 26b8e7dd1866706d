// The worker's port for acting on behalf (issue 13): before each call to an agent or tool, the
// executor asks for the bearer token that says whom the run acts for. The answer is a token
// minted for that call and that callee's origin, or a failure that fails the step, and so the
// run, with `authorization_failed`. auth/on-behalf-of.ts implements it; serve/ wires it in.

export type CallCredential =
  | { readonly ok: true; readonly bearer: string }
  | { readonly ok: false; readonly code: 'authorization_failed'; readonly message: string };

export interface CallIdentity {
  onBehalfOf(run: { readonly id: string }, calleeUrl: string): Promise<CallCredential>;
}

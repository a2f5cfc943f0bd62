import { FakeIdentityProvider } from './support/identity-provider.fake';
import { Group, SUBMIT, complaintInput, provisionGroup } from './support/fixtures';
import { Stack } from './support/stack';

/**
 * Tokens from identity providers (issue 9): verified against each provider's JWKS, tenants bound
 * to a group's own provider, and roles read from the database on every request, so revoking them
 * (or the user) takes effect on the next request whatever the token says.
 */

const ME = `query { me { id roles { role } } }`;

describe('identity-provider tokens', () => {
  let idp: FakeIdentityProvider;
  let groupIdp: FakeIdentityProvider;
  let stack: Stack;
  let a: Group;
  let b: Group;
  let complaintId: string;
  /** A gateway that also trusts group A's own identity provider. */
  let groupGateway: string;

  beforeAll(async () => {
    idp = await FakeIdentityProvider.start();
    groupIdp = await FakeIdentityProvider.start();
    // The cooldown is 0 so a rotated key is fetched at once (in production: 30 s between refetches).
    stack = await Stack.start('identity-provider', { gateway: { identityProviders: [idp.provider()], authJwksCooldownSeconds: 0 } });
    a = await provisionGroup(stack, 'Group A', 'pm-branch', 'IA01');
    b = await provisionGroup(stack, 'Group B', 'pm-branch', 'IB01');
    complaintId = (await stack.ok(SUBMIT, { input: complaintInput(a.branchId, 'idp-1') }, a.tokens.dispatcher)).submitComplaint.id;
    groupGateway = await stack.extraGateway({ identityProviders: [idp.provider(), groupIdp.provider({ tenantId: a.tenantId })], authJwksCooldownSeconds: 0 });
  });
  afterAll(async () => {
    await stack?.stop();
    await idp?.stop();
    await groupIdp?.stop();
  });

  it("reads with an identity provider's token; revoked roles and a deleted user count from the next request", async () => {
    const reader = (await stack.ok(
      `mutation($r: [RoleAssignmentInput!]!) { createUser(name: "Reader Sun", roles: $r) { id } }`,
      { r: [{ role: 'DISPATCHER', branchId: a.branchId }] }, a.tokens.headOffice,
    )).createUser.id;
    const token = await idp.sign({ claims: { sub: reader, tid: a.tenantId } });

    expect((await stack.ok(ME, {}, token)).me).toEqual({ id: reader, roles: [{ role: 'DISPATCHER' }] });
    expect((await stack.ok(`query { complaint(id: "${complaintId}") { id } }`, {}, token)).complaint.id).toBe(complaintId);

    await stack.db.query('DELETE FROM role_assignments WHERE user_id = $1', [reader]);
    expect((await stack.ok(ME, {}, token)).me.roles).toEqual([]);
    const complaint = await stack.gql(`query { complaint(id: "${complaintId}") { id } }`, {}, token);
    expect(complaint.errors?.[0].extensions.code).toBe('NOT_FOUND');
    expect((await stack.ok(`query { complaints { totalCount } }`, {}, token)).complaints.totalCount).toBe(0);

    await stack.db.query('DELETE FROM users WHERE id = $1', [reader]);
    const gone = await stack.gql(ME, {}, token);
    expect(gone.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(gone.errors?.[0].message).toBe('the token\'s user does not exist');
  });

  it('refuses a token of an issuer it does not trust, or one naming no tenant, without repeating the token', async () => {
    const stranger = await FakeIdentityProvider.start();
    try {
      const token = await stranger.sign({ claims: { sub: a.dispatcher, tid: a.tenantId } });
      const r = await stack.gql(ME, {}, token);
      expect(r.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
      expect(r.errors?.[0].message).toBe('the bearer token\'s issuer (iss) is not an identity provider this gateway trusts');
      expect(JSON.stringify(r)).not.toContain(token.split('.')[1]);
    } finally {
      await stranger.stop();
    }
    const noTenant = await stack.gql(ME, {}, await idp.sign({ claims: { sub: a.dispatcher } }));
    expect(noTenant.errors?.[0].message).toBe('the bearer token names no tenant (tid)');
  });

  it("binds a group's own identity provider to that group: it cannot mint tokens for another", async () => {
    const mine = await stack.gql(ME, {}, await groupIdp.sign({ claims: { sub: a.dispatcher } }), groupGateway);
    expect(mine.data?.me).toEqual({ id: a.dispatcher, roles: [{ role: 'DISPATCHER' }] });

    const otherTid = await stack.gql(ME, {}, await groupIdp.sign({ claims: { sub: b.dispatcher, tid: b.tenantId } }), groupGateway);
    expect(otherTid.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(otherTid.errors?.[0].message).toBe('the bearer token names a tenant (tid) its identity provider does not serve');
    // Without tid, B's user is looked up in A: not there.
    const otherUser = await stack.gql(ME, {}, await groupIdp.sign({ claims: { sub: b.dispatcher } }), groupGateway);
    expect(otherUser.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    // The group's provider is unknown to the main gateway.
    const elsewhere = await stack.gql(ME, {}, await groupIdp.sign({ claims: { sub: a.dispatcher } }));
    expect(elsewhere.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('accepts a token signed by a rotated key as soon as the provider publishes it', async () => {
    expect((await stack.ok(ME, {}, await idp.sign({ claims: { sub: a.handler, tid: a.tenantId } }))).me.id).toBe(a.handler);
    const fetched = idp.fetches;
    await idp.rotate();
    const rotated = await idp.sign({ claims: { sub: a.handler, tid: a.tenantId } });
    expect((await stack.ok(ME, {}, rotated)).me).toEqual({ id: a.handler, roles: [{ role: 'HANDLER' }] });
    expect(idp.fetches).toBe(fetched + 1);
  });

  it('answers UNAVAILABLE (retry) when a new key cannot be fetched, and keeps accepting known keys', async () => {
    const known = await idp.sign({ claims: { sub: a.handler, tid: a.tenantId } });
    expect((await stack.ok(ME, {}, known)).me.id).toBe(a.handler);
    await idp.down();
    try {
      expect((await stack.ok(ME, {}, known)).me.id).toBe(a.handler);
      const next = await FakeIdentityProvider.newKey();
      const r = await stack.gql(ME, {}, await idp.sign({ key: next, claims: { sub: a.handler, tid: a.tenantId } }));
      expect(r.errors?.[0].extensions.code).toBe('UNAVAILABLE');
      expect(r.errors?.[0].message).toMatch(/^the identity provider's signing keys cannot be fetched just now; it is safe to retry/);
    } finally {
      await idp.up();
    }
    expect((await stack.ok(ME, {}, await idp.sign({ claims: { sub: a.handler, tid: a.tenantId } }))).me.id).toBe(a.handler);
  });

  it('still accepts development tokens when the gateway has a JWT_SECRET', async () => {
    expect((await stack.ok(ME, {}, a.tokens.dispatcher)).me.id).toBe(a.dispatcher);
  });
});

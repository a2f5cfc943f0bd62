import { ComplaintCursors } from './complaint-cursor.util';

const T1 = '11111111-1111-4111-8111-111111111111';
const T2 = '22222222-2222-4222-8222-222222222222';
const AT = { receivedAt: '2026-11-30T04:35:00.123456Z', id: '33333333-3333-4333-8333-333333333333' };

describe('ComplaintCursors', () => {
  const cursors = new ComplaintCursors('secret');

  it('gives back the position, to the microsecond, for the tenant it was made for', () => {
    expect(cursors.decode(T1, cursors.encode(T1, AT))).toEqual(AT);
  });

  it('refuses another tenant\'s cursor, another deployment\'s, an edited one and garbage, naming after', () => {
    const good = cursors.encode(T1, AT);
    const [body, tag] = good.split('.');
    const edited = Buffer.from(Buffer.from(body, 'base64url').toString().replace('.123456', '.123457')).toString('base64url');
    for (const bad of [cursors.encode(T2, AT), new ComplaintCursors('other').encode(T1, AT), `${edited}.${tag}`, 'not-a-cursor', `${good}.x`, '']) {
      let error: unknown;
      try {
        cursors.decode(T1, bad);
      } catch (err) {
        error = err;
      }
      expect(error).toMatchObject({ fields: [{ field: 'after' }] });
    }
  });
});

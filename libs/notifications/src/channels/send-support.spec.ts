import type { SmsCredentials } from '../channel';
import { scrub, secretsOf } from './send-support';

describe('reasons never carry a secret', () => {
  const c: SmsCredentials = { channel: 'SMS', endpoint: 'https://x', accessKeyId: 'id', accessKeySecret: 'a b/c+d', signName: 's', templateCode: 't' };

  it('blanks a secret a provider quotes back, plain or percent-encoded, and bounds the length', () => {
    const secrets = secretsOf(c);
    expect(secrets).toEqual(['a b/c+d']);
    expect(scrub('Bad key a b/c+d in request ?secret=a%20b%2Fc%2Bd', secrets)).toBe('Bad key *** in request ?secret=***');
    expect(scrub('x'.repeat(1000), secrets)).toHaveLength(300);
  });
});

// Interop counterpart for signature/jose's Go tests, using the npm "jose"
// package (an independent JOSE implementation).
//   node interop.mjs decrypt <private.jwk.json>  < JWE  → "<cty> <sha512 hex of plaintext>"
//   node interop.mjs encrypt <public.jwk.json> <size> <kid> → JWE of bytes i%251
//   node interop.mjs verify  <public.jwk.json>  < SET  → payload JSON
//   node interop.mjs sign    <private.jwk.json> <kid> < payload JSON → SET
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import * as jose from 'jose';

const [cmd, keyFile, ...rest] = process.argv.slice(2);
const jwk = JSON.parse(readFileSync(keyFile, 'utf8'));
const stdin = () => readFileSync(0);

switch (cmd) {
  case 'decrypt': {
    const key = await jose.importJWK(jwk, 'RSA-OAEP-256');
    const { plaintext, protectedHeader } = await jose.compactDecrypt(stdin().toString('ascii'), key, {
      keyManagementAlgorithms: ['RSA-OAEP-256'], contentEncryptionAlgorithms: ['A256GCM'],
    });
    process.stdout.write(`${protectedHeader.cty} ${createHash('sha512').update(plaintext).digest('hex')}`);
    break;
  }
  case 'encrypt': {
    const [size, kid] = rest;
    const data = new Uint8Array(Number(size));
    for (let i = 0; i < data.length; i++) data[i] = i % 251;
    const key = await jose.importJWK(jwk, 'RSA-OAEP-256');
    const jwe = await new jose.CompactEncrypt(data)
      .setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM', kid, cty: 'application/pdf' })
      .encrypt(key);
    process.stdout.write(jwe);
    break;
  }
  case 'verify': {
    const key = await jose.importJWK(jwk, 'PS512');
    const { payload, protectedHeader } = await jose.compactVerify(stdin().toString('ascii').trim(), key, { algorithms: ['PS512'] });
    if (protectedHeader.typ !== 'secevent+jwt') throw new Error('typ is not secevent+jwt');
    process.stdout.write(Buffer.from(payload).toString('utf8'));
    break;
  }
  case 'sign': {
    const [kid] = rest;
    const key = await jose.importJWK(jwk, 'PS512');
    const jws = await new jose.CompactSign(stdin())
      .setProtectedHeader({ alg: 'PS512', typ: 'secevent+jwt', kid })
      .sign(key);
    process.stdout.write(jws);
    break;
  }
  default:
    throw new Error('unknown command');
}

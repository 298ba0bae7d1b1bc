// Package xmlenc implements the parts of W3C XML Encryption Syntax and
// Processing 1.1 (Recommendation 2013-04-11) that German e-government
// counterparts use: an xenc:EncryptedData element whose content key is
// transported in an xenc:EncryptedKey with RSA-OAEP, and AES-GCM (or, by
// explicit legacy opt-in, AES-CBC) content encryption. It serves SAML 2.0
// EncryptedAssertion (BundID, MUK, state accounts) in package account and
// XÖV users who encrypt elements.
//
// # Specifications
//
//   - XML Encryption 1.1 §3.1 EncryptedData/Type, §3.4 EncryptedKey,
//     §3.5.1 ds:RetrievalMethod Type EncryptedKey, §4.4/§4.5 decryption
//     processing (plaintext parsed in the context of the EncryptedData).
//   - §5.2.2 AES-CBC (IV ‖ ciphertext; last octet = padding length),
//     §5.2.4 AES-GCM (96-bit IV ‖ ciphertext ‖ 128-bit tag).
//   - §5.5.2 RSA-OAEP: `xmlenc#rsa-oaep-mgf1p` (MGF1-SHA-1, digest from
//     ds:DigestMethod, default SHA-1) and `xmlenc11#rsa-oaep` with
//     `xenc11:MGF` (mgf1sha1/224/256/384/512, default SHA-1) and
//     ds:DigestMethod (default SHA-1); OAEPparams as the label.
//   - SAML 2.0 Core §2.2.4 and §6.2 (EncryptedKey as a sibling of
//     EncryptedData inside EncryptedAssertion).
//
// Defaults: [Encrypter] writes AES-256-GCM content with `xmlenc11#rsa-oaep`,
// MGF1-SHA-256 and a SHA-256 OAEP digest; [Decrypter] accepts both OAEP
// spellings with any of those digests and AES-128/192/256-GCM.
//
// Interoperability (tested in CI): our output decrypts with xmlsec1 1.2.37
// (`xmlsec1 --decrypt --privkey-pem`) when the key transport is
// rsa-oaep-mgf1p with the SHA-1 OAEP digest — xmlsec1 1.2 has no
// xmlenc11#rsa-oaep and no other mgf1p digest — and xmlsec1 `--encrypt`
// output (AES-GCM, and AES-CBC with the insecure option) decrypts in ours;
// the SAML sibling-key shape decrypts in xmlsec1 with `--id-attr:Id
// EncryptedKey`. The xmlenc11#rsa-oaep digest/MGF mapping is checked in
// both directions against `openssl pkeyutl` (rsa_oaep_md, rsa_mgf1_md).
//
// # Security
//
//   - RSA PKCS#1 v1.5 key transport (`xmlenc#rsa-1_5`) and 3DES are always
//     refused; AES-CBC only with InsecureAllowCBC (Jager & Somorovsky, "How
//     To Break XML Encryption", CCS 2011).
//   - Every failure of the secret-dependent steps — OAEP decoding, CEK
//     length, GCM authentication, CBC padding and, for CBC, parsing the
//     plaintext — returns the single value [ErrDecrypt], with no detail.
//     Structural checks happen before any private-key operation.
//   - The content key is looked up only inside the EncryptedData's
//     KeyInfo, by RetrievalMethod "#Id" among the siblings in the same
//     parent, or among sibling EncryptedKey elements; no URI is ever
//     fetched, CipherReference is refused, at most 8 EncryptedKeys are tried.
//   - Ciphertext and plaintext sizes are bounded (MaxPlaintextBytes,
//     default 16 MiB) before decoding; the plaintext is parsed by
//     internal/xmlsafe (no DOCTYPE or entities) with the structure limits
//     of DecrypterConfig (MaxDepth, MaxElements, MaxAttributes; defaults
//     256, 250,000, 256). The parse happens before any signature over
//     the content can be checked, so callers that know the content's
//     shape set tighter limits (account/saml uses its Response limits).
//   - Decryption is not authentication of the sender: with AES-GCM the
//     content is integral under the content key, but anyone with the
//     recipient's public key can encrypt. Verify the XML signature of the
//     decrypted content (package xmldsig) before using it.
package xmlenc

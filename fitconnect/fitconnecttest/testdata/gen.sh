#!/bin/sh
# Regenerates the committed test PKI of fitconnecttest (RSA-4096, as the
# FIT-Connect profile requires). Run once; the files are committed because
# generating 4096-bit keys per test is slow under -race. Valid for 100 years.
set -eu
cd "$(dirname "$0")"
key() { openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:4096 -out "$1.key" 2>/dev/null; }
key root
openssl req -x509 -new -key root.key -sha512 -days 36500 -subj "/CN=ozg fitconnecttest Root CA" \
  -addext basicConstraints=critical,CA:true -addext keyUsage=critical,keyCertSign,cRLSign -out root.pem
leaf() { # name CN
  key "$1"
  openssl req -new -key "$1.key" -subj "/CN=$2" -out "$1.csr"
  printf 'basicConstraints=critical,CA:false\nkeyUsage=critical,%s\n' "$3" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA root.pem -CAkey root.key -CAcreateserial -sha512 -days 36500 -extfile "$1.ext" -out "$1.pem" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}
leaf destination-enc "ozg test destination encryption" keyEncipherment
leaf destination-enc-next "ozg test destination encryption (rotation)" keyEncipherment
leaf destination-sig "ozg test destination signature" digitalSignature
leaf zustelldienst-sig "ozg test Zustelldienst SET signature" digitalSignature
leaf ssp-sig "ozg test Self-Service-Portal signature" digitalSignature
# Further destinations of a multi-destination simulator (DestinationConfig):
# each its own encryption and signature key.
for i in 2 3 4 5 6 7 8; do
  leaf destination$i-enc "ozg test destination $i encryption" keyEncipherment
  leaf destination$i-sig "ozg test destination $i signature" digitalSignature
done
key weak-untrusted
openssl req -x509 -new -key weak-untrusted.key -sha512 -days 36500 -subj "/CN=ozg untrusted self-signed" -out weak-untrusted.pem
rm -f root.srl

#!/usr/bin/env bash
# Proves the RSA fixtures in Tests/SandboxCryptoTests/Vectors/RSA are OpenSSL's: signs every committed key, in both
# its PKCS#1 and PKCS#8 form, × every message again with `openssl dgst -sha256 -sign` in a temporary directory and
# compares with the committed signature; derives each public key with `openssl pkey -pubout` and compares with the
# committed SPKI PEM (and the 2048-bit one's PKCS#1 RSAPublicKey). Exits non-zero on any difference
# (RSASSA-PKCS1-v1_5 is deterministic, so they must be equal).
set -euo pipefail
cd "$(dirname "$0")/../Tests/SandboxCryptoTests/Vectors/RSA"

command -v openssl >/dev/null 2>&1 || { echo "check-rsa-vectors: openssl is not installed" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
checked=0
failed=0

differs() {
    echo "check-rsa-vectors: $1" >&2
    failed=$((failed + 1))
}

for spki in rsa-*.spki.pem; do
    key=${spki%.spki.pem}
    for form in pkcs1 pkcs8; do
        pem=$key.$form.pem
        [ -f "$pem" ] || { differs "$pem is missing"; continue; }
        openssl pkey -in "$pem" -pubout -out "$work/public.pem"
        cmp -s "$work/public.pem" "$spki" || differs "the public key of $pem is not $spki"
        for message in messages/*; do
            name=$(basename "$message")
            signature=signatures/$key.${name%.*}.sig
            [ -f "$signature" ] || { differs "$signature is missing"; continue; }
            openssl dgst -sha256 -sign "$pem" -out "$work/signature" "$message"
            cmp -s "$work/signature" "$signature" || differs "openssl's signature of $message with $pem is not $signature"
            checked=$((checked + 1))
        done
    done
done

openssl rsa -in rsa-2048.pkcs1.pem -RSAPublicKey_out -out "$work/pkcs1-public.pem" 2>/dev/null
cmp -s "$work/pkcs1-public.pem" rsa-2048.pkcs1-public.pem || differs "the PKCS#1 public key of rsa-2048 is not rsa-2048.pkcs1-public.pem"

expected=$(( $(ls rsa-*.spki.pem | wc -l) * 2 * $(ls messages | wc -l) ))
[ "$checked" -eq "$expected" ] || differs "checked $checked signatures, expected $expected"
[ "$(ls signatures | wc -l)" -eq $((expected / 2)) ] || differs "signatures/ holds files no key × message accounts for"
if [ "$failed" -ne 0 ]; then
    echo "check-rsa-vectors: $failed difference(s)" >&2
    exit 1
fi
echo "check-rsa-vectors: $checked signatures and $(ls rsa-*.spki.pem | wc -l) public keys are OpenSSL's"

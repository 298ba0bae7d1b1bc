#!/usr/bin/env bash
# bench-xmlsec1.sh: whole-process sign and verify, ozg (examples/xmldsig)
# against xmlsec1, on the same files, alternating A B A B; prints median
# wall time, median max RSS and the median of the per-pair ratios.
#
#   signature/xmldsig/testdata/bench-xmlsec1.sh [rounds]     (from the module root)
#
# Needs: go, xmlsec1 (Debian xmlsec1), openssl, awk, /usr/bin/time (Debian time).
# Documents as in perf-anchors.md: s2k, s1m, s20m (structured XÖV-like
# records) and a20m (one 20 MB base64 text node). RSA-2048, rsa-sha256,
# exc-C14N, SHA-256; Signature as last child for both tools.
set -euo pipefail
ROUNDS=${1:-5}
for c in go xmlsec1 openssl awk /usr/bin/time; do
  command -v "$c" >/dev/null || { echo "missing: $c" >&2; exit 2; }
done
W=$(mktemp -d -t xmldsig-bench.XXXXXX)
trap 'rm -rf "$W"' EXIT
go build -o "$W/ozg" ./examples/xmldsig
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$W/key.pem" -out "$W/cert.pem" -days 30 -subj /CN=bench 2>/dev/null

gen_structured() { # $1 = records
  awk -v n="$1" 'BEGIN {
    print "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    print "<xoev:nachricht xmlns:xoev=\"urn:xoev-de:test\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
    for (i = 0; i < n; i++)
      printf "  <xoev:person id=\"p%d\" xsi:type=\"xoev:PersonType\"><xoev:name><xoev:vorname>Jürgen</xoev:vorname><xoev:familienname>Müller-%d</xoev:familienname></xoev:name><xoev:geburt><xoev:datum>1980-01-%02d</xoev:datum><xoev:ort listURI=\"urn:de:ort\" listVersionID=\"1\">Köln</xoev:ort></xoev:geburt><xoev:anschrift><xoev:strasse>Hauptstraße %d</xoev:strasse><xoev:plz>50667</xoev:plz></xoev:anschrift></xoev:person>\n", i, i, i % 28 + 1, i
    print "</xoev:nachricht>"
  }'
}
gen_attachment() { # $1 = bytes of base64
  { printf '<?xml version="1.0" encoding="UTF-8"?>\n<xoev:nachricht xmlns:xoev="urn:xoev-de:test"><xoev:anlage dateiname="scan.pdf">'
    head -c $(( $1 * 3 / 4 )) /dev/urandom | base64 -w0
    printf '</xoev:anlage></xoev:nachricht>\n'; }
}
gen_structured 5 > "$W/s2k.xml"
gen_structured 2200 > "$W/s1m.xml"
gen_structured 44000 > "$W/s20m.xml"
gen_attachment $((20 << 20)) > "$W/a20m.xml"

TMPL='<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><ds:Reference URI=""><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference></ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data><ds:X509Certificate/></ds:X509Data></ds:KeyInfo></ds:Signature>'

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
measure() { # prints "seconds maxrss_kib"
  /usr/bin/time -f "%e %M" -o "$W/t" "$@" >/dev/null 2>"$W/err" || { cat "$W/err" >&2; echo "FAILED: $*" >&2; exit 1; }
  cat "$W/t"
}

printf '%-6s %-6s %10s %10s %8s %8s %14s\n' op doc ozg_s xmlsec1_s ozg_MiB x1_MiB "ozg/xmlsec1"
for d in s2k s1m s20m a20m; do
  f="$W/$d.xml"
  # xmlsec1 template: Signature as last child of the root.
  awk -v t="$TMPL" '{ lines[NR] = $0 } END { for (i = 1; i <= NR; i++) { if (i == NR) sub(/<\/xoev:nachricht>/, t "</xoev:nachricht>", lines[i]); print lines[i] } }' "$f" > "$W/$d.tmpl.xml"
  xmlsec1 --sign --privkey-pem "$W/key.pem,$W/cert.pem" --output "$W/$d.x1.xml" "$W/$d.tmpl.xml"
  "$W/ozg" sign -key "$W/key.pem" -cert "$W/cert.pem" "$f" > "$W/$d.ozg.xml"
  for op in sign verify; do
    : > "$W/a"; : > "$W/b"; : > "$W/r"
    for _ in $(seq 1 "$ROUNDS"); do
      if [ $op = sign ]; then
        A=$(measure "$W/ozg" sign -key "$W/key.pem" -cert "$W/cert.pem" "$f")
        B=$(measure xmlsec1 --sign --privkey-pem "$W/key.pem,$W/cert.pem" --output "$W/out.xml" "$W/$d.tmpl.xml")
      else # both verify the xmlsec1-signed file
        A=$(measure "$W/ozg" verify -pin "$W/cert.pem" "$W/$d.x1.xml")
        B=$(measure xmlsec1 --verify --trusted-pem "$W/cert.pem" "$W/$d.x1.xml")
      fi
      echo "$A" >> "$W/a"; echo "$B" >> "$W/b"
      awk -v a="${A%% *}" -v b="${B%% *}" 'BEGIN { if (b > 0) print a / b; else print 0 }' >> "$W/r"
    done
    printf '%-6s %-6s %10s %10s %8.0f %8.0f %13.2fx\n' $op $d \
      "$(cut -d' ' -f1 "$W/a" | median)" "$(cut -d' ' -f1 "$W/b" | median)" \
      "$(cut -d' ' -f2 "$W/a" | median | awk '{print $1/1024}')" "$(cut -d' ' -f2 "$W/b" | median | awk '{print $1/1024}')" \
      "$(median < "$W/r")"
  done
done

// XmlDsigOracle signs and verifies enveloped XML signatures with the JDK's
// XML Digital Signature API (javax.xml.crypto.dsig, JSR 105). It is the
// RSA-PSS interop oracle of the Go tests in signature/xmldsig
// (interop_java_test.go); it is test code, not part of the SDK.
//
//   java XmlDsigOracle sign   <signature-method-uri> <key.pk8.der> <cert.der> <in.xml> <out.xml>
//   java XmlDsigOracle verify <cert.der> <in.xml>
//   java XmlDsigOracle batch  < commands   (one "sign ..." or "verify ..." per line)
//
// verify pins the key of cert.der (KeySelector.singletonKeySelector) and runs
// with secure validation on. Exit status: 0 valid, 1 invalid, 2 error. batch
// runs many commands in one JVM and prints one line per command: "valid",
// "invalid", "signed" or "error: ...".
import java.io.ByteArrayInputStream;
import java.io.FileOutputStream;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Collections;
import java.util.List;

import javax.xml.XMLConstants;
import javax.xml.crypto.dsig.CanonicalizationMethod;
import javax.xml.crypto.dsig.DigestMethod;
import javax.xml.crypto.dsig.Reference;
import javax.xml.crypto.dsig.SignedInfo;
import javax.xml.crypto.dsig.Transform;
import javax.xml.crypto.dsig.XMLSignature;
import javax.xml.crypto.dsig.XMLSignatureFactory;
import javax.xml.crypto.dsig.dom.DOMSignContext;
import javax.xml.crypto.dsig.dom.DOMValidateContext;
import javax.xml.crypto.dsig.keyinfo.KeyInfo;
import javax.xml.crypto.dsig.keyinfo.KeyInfoFactory;
import javax.xml.crypto.dsig.keyinfo.X509Data;
import javax.xml.crypto.dsig.spec.C14NMethodParameterSpec;
import javax.xml.crypto.dsig.spec.TransformParameterSpec;
import javax.xml.crypto.KeySelector;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;

import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

public class XmlDsigOracle {
    public static void main(String[] args) {
        try {
            if (args.length == 1 && args[0].equals("batch")) {
                java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in, "UTF-8"));
                String line;
                while ((line = in.readLine()) != null) {
                    String[] a = line.trim().split(" ");
                    try {
                        if (a.length == 6 && a[0].equals("sign")) {
                            sign(a[1], a[2], a[3], a[4], a[5]);
                            System.out.println("signed");
                        } else if (a.length == 3 && a[0].equals("verify")) {
                            System.out.println(verify(a[1], a[2]) ? "valid" : "invalid");
                        } else {
                            System.out.println("error: bad command");
                        }
                    } catch (Exception e) {
                        System.out.println("error: " + e.toString().replace('\n', ' '));
                    }
                }
                System.exit(0);
            }
            if (args.length == 6 && args[0].equals("sign")) {
                sign(args[1], args[2], args[3], args[4], args[5]);
                System.exit(0);
            } else if (args.length == 3 && args[0].equals("verify")) {
                boolean ok = verify(args[1], args[2]);
                System.out.println(ok ? "valid" : "invalid");
                System.exit(ok ? 0 : 1);
            }
            System.err.println("usage: sign <method> <key.pk8.der> <cert.der> <in> <out> | verify <cert.der> <in>");
            System.exit(2);
        } catch (Exception e) {
            System.err.println("error: " + e);
            System.exit(2);
        }
    }

    static Document parse(String path) throws Exception {
        DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
        dbf.setNamespaceAware(true);
        dbf.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        dbf.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        return dbf.newDocumentBuilder().parse(new ByteArrayInputStream(Files.readAllBytes(Paths.get(path))));
    }

    static X509Certificate cert(String path) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(Paths.get(path))));
    }

    static void sign(String method, String keyPath, String certPath, String in, String out) throws Exception {
        Document doc = parse(in);
        PrivateKey key = KeyFactory.getInstance("RSA")
                .generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(Paths.get(keyPath))));
        X509Certificate c = cert(certPath);
        XMLSignatureFactory fac = XMLSignatureFactory.getInstance("DOM");
        List<Transform> transforms = List.of(
                fac.newTransform(Transform.ENVELOPED, (TransformParameterSpec) null),
                fac.newTransform(CanonicalizationMethod.EXCLUSIVE, (TransformParameterSpec) null));
        Reference ref = fac.newReference("", fac.newDigestMethod(DigestMethod.SHA256, null), transforms, null, null);
        SignedInfo si = fac.newSignedInfo(
                fac.newCanonicalizationMethod(CanonicalizationMethod.EXCLUSIVE, (C14NMethodParameterSpec) null),
                fac.newSignatureMethod(method, null), Collections.singletonList(ref));
        KeyInfoFactory kif = fac.getKeyInfoFactory();
        X509Data xd = kif.newX509Data(Collections.singletonList(c));
        KeyInfo ki = kif.newKeyInfo(Collections.singletonList(xd));
        DOMSignContext ctx = new DOMSignContext(key, doc.getDocumentElement());
        ctx.setDefaultNamespacePrefix("ds");
        fac.newXMLSignature(si, ki).sign(ctx);
        try (FileOutputStream os = new FileOutputStream(out)) {
            TransformerFactory.newInstance().newTransformer().transform(new DOMSource(doc), new StreamResult(os));
        }
    }

    static boolean verify(String certPath, String in) throws Exception {
        Document doc = parse(in);
        NodeList nl = doc.getElementsByTagNameNS(XMLSignature.XMLNS, "Signature");
        if (nl.getLength() != 1) {
            throw new Exception("expected exactly one Signature, found " + nl.getLength());
        }
        DOMValidateContext ctx = new DOMValidateContext(
                KeySelector.singletonKeySelector(cert(certPath).getPublicKey()), nl.item(0));
        ctx.setProperty("org.jcp.xml.dsig.secureValidation", Boolean.TRUE);
        XMLSignatureFactory fac = XMLSignatureFactory.getInstance("DOM");
        return fac.unmarshalXMLSignature(ctx).validate(ctx);
    }
}

// VerifyAssertion verifies the enveloped signature of a SAML Assertion (the
// document root, referenced by its ID attribute) with the JDK's XML Digital
// Signature API (javax.xml.crypto.dsig, JSR 105), pinning the key of the
// given certificate. It is the RSA-PSS interop oracle of the accounttest
// Go tests; test code, not part of the SDK.
//
//   java VerifyAssertion <cert.der> <assertion.xml>
//
// Exit status: 0 valid, 1 invalid, 2 error.
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;

import javax.xml.XMLConstants;
import javax.xml.crypto.KeySelector;
import javax.xml.crypto.dsig.XMLSignature;
import javax.xml.crypto.dsig.XMLSignatureFactory;
import javax.xml.crypto.dsig.dom.DOMValidateContext;
import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

public class VerifyAssertion {
    public static void main(String[] args) {
        try {
            if (args.length != 2) {
                System.err.println("usage: VerifyAssertion <cert.der> <assertion.xml>");
                System.exit(2);
            }
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(Paths.get(args[0]))));
            DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
            dbf.setNamespaceAware(true);
            dbf.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            dbf.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            Document doc = dbf.newDocumentBuilder().parse(new ByteArrayInputStream(Files.readAllBytes(Paths.get(args[1]))));
            Element root = doc.getDocumentElement();
            root.setIdAttributeNS(null, "ID", true);
            NodeList sigs = root.getElementsByTagNameNS(XMLSignature.XMLNS, "Signature");
            if (sigs.getLength() != 1) {
                System.err.println("want exactly one Signature");
                System.exit(2);
            }
            DOMValidateContext ctx = new DOMValidateContext(KeySelector.singletonKeySelector(cert.getPublicKey()), sigs.item(0));
            ctx.setProperty("org.jcp.xml.dsig.secureValidation", Boolean.TRUE);
            XMLSignature sig = XMLSignatureFactory.getInstance("DOM").unmarshalXMLSignature(ctx);
            boolean ok = sig.validate(ctx);
            System.out.println((ok ? "valid " : "invalid ") + sig.getSignedInfo().getSignatureMethod().getAlgorithm());
            System.exit(ok ? 0 : 1);
        } catch (Exception e) {
            System.err.println("error: " + e);
            System.exit(2);
        }
    }
}

package dev.berth.image.registry;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.SignatureException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the PEM files of a certs.d directory: certificates (RFC 7468 "CERTIFICATE" blocks, several
 * per file allowed, as Go's AppendCertsFromPEM reads them) and unencrypted PKCS#8 private keys
 * ("PRIVATE KEY", what OpenSSL 3 writes by default). Older key encodings are refused with the command
 * that converts them: PKCS#1 and SEC1 would need an ASN.1 parser of their own, since the JDK only
 * decodes PKCS#8.
 */
final class PemFiles {
    private static final Pattern BEGIN = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----");

    private PemFiles() {
    }

    /** Every certificate in {@code file}; none, or a malformed one, is an error naming the file. */
    static List<X509Certificate> certificates(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        try {
            List<X509Certificate> certs = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(bytes)).stream()
                    .map(X509Certificate.class::cast).toList();
            if (certs.isEmpty()) {
                throw new IOException(file + ": no PEM certificate in it");
            }
            return certs;
        } catch (CertificateException e) {
            throw new IOException(file + ": not a PEM certificate: " + e.getMessage(), e);
        }
    }

    /**
     * The private key in {@code keyFile}, which must belong to {@code certificate} (Go's
     * tls.X509KeyPair checks the same: a mismatched pair would otherwise only show up as an opaque
     * handshake alert from the registry).
     */
    static PrivateKey privateKey(Path keyFile, X509Certificate certificate, Path certFile) throws IOException {
        String text = Files.readString(keyFile, StandardCharsets.US_ASCII);
        Matcher begin = BEGIN.matcher(text);
        if (!begin.find()) {
            throw new IOException(keyFile + ": no PEM block in it (expected -----BEGIN PRIVATE KEY-----)");
        }
        String label = begin.group(1);
        if (!label.equals("PRIVATE KEY")) {
            throw new IOException(keyFile + ": " + label + " is not supported; berth reads unencrypted PKCS#8 keys"
                    + " (-----BEGIN PRIVATE KEY-----): convert it with 'openssl pkcs8 -topk8 -nocrypt -in "
                    + keyFile + " -out " + keyFile + ".pk8' and put that file in its place");
        }
        int end = text.indexOf("-----END PRIVATE KEY-----", begin.end());
        if (end < 0) {
            throw new IOException(keyFile + ": PRIVATE KEY block without its END line");
        }
        PublicKey publicKey = certificate.getPublicKey();
        PrivateKey key;
        try {
            byte[] der = Base64.getMimeDecoder().decode(text.substring(begin.end(), end));
            key = KeyFactory.getInstance(publicKey.getAlgorithm()).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new IOException(keyFile + ": not a " + publicKey.getAlgorithm() + " PKCS#8 private key (the type of "
                    + certFile.getFileName() + "): " + e.getMessage(), e);
        }
        if (!matches(key, publicKey)) {
            throw new IOException(keyFile + ": private key does not match the public key of " + certFile);
        }
        return key;
    }

    /** Signs a random message and verifies it; key types without a known signature pass unchecked. */
    private static boolean matches(PrivateKey key, PublicKey publicKey) throws IOException {
        String algorithm = switch (publicKey.getAlgorithm().toUpperCase(Locale.ROOT)) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "EDDSA", "ED25519", "ED448" -> publicKey.getAlgorithm();
            default -> null;
        };
        if (algorithm == null) {
            return true;
        }
        byte[] message = new byte[32];
        new SecureRandom().nextBytes(message);
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(message);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(message);
            return verifier.verify(signature);
        } catch (InvalidKeyException | SignatureException mismatched) {
            return false; // e.g. an EC key of another curve than the certificate's
        } catch (GeneralSecurityException e) {
            throw new IOException("checking a client key against its certificate with " + algorithm + ": " + e, e);
        }
    }
}

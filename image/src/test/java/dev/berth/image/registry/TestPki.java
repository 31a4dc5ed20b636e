package dev.berth.image.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throwaway PKI made with the openssl command in a fresh temporary directory: a CA, a server
 * certificate for {@link #SERVER_NAME} (and IP 127.0.0.1, so that the registry's readiness probe can
 * use the address), a client certificate, and an unrelated second CA. Keys are P-256 (fast to make)
 * and written as unencrypted PKCS#8, OpenSSL 3's default. {@link #close()} removes the directory.
 */
final class TestPki implements AutoCloseable {
    static final String SERVER_NAME = "registry.berth.test";
    /** Protects only the PKCS#12 file the readiness probe reads. */
    private static final String P12_PASSWORD = "berth-test";

    /**
     * openssl req needs a distinguished_name section even with -subj; the extension sections make
     * proper CA, server and client certificates (Java and Go both insist on the extended key usage
     * when it is present, and on basicConstraints CA:TRUE for the issuer).
     */
    private static final String CONFIG = """
            [req]
            distinguished_name = dn
            prompt = no
            [dn]
            CN = unused
            [ca]
            basicConstraints = critical, CA:TRUE
            keyUsage = critical, keyCertSign, cRLSign
            subjectKeyIdentifier = hash
            [server]
            basicConstraints = CA:FALSE
            keyUsage = critical, digitalSignature
            extendedKeyUsage = serverAuth
            subjectAltName = DNS:%s, IP:127.0.0.1
            [client]
            basicConstraints = CA:FALSE
            keyUsage = critical, digitalSignature
            extendedKeyUsage = clientAuth
            """.formatted(SERVER_NAME);

    final Path dir;
    final Path caCert;
    final Path serverCert;
    final Path serverKey;
    final Path clientCert;
    final Path clientKey;
    final Path otherCaCert;
    private final Path clientP12;

    private TestPki(Path dir) {
        this.dir = dir;
        this.caCert = dir.resolve("ca.crt");
        this.serverCert = dir.resolve("server.crt");
        this.serverKey = dir.resolve("server.key");
        this.clientCert = dir.resolve("client.cert");
        this.clientKey = dir.resolve("client.key");
        this.otherCaCert = dir.resolve("other-ca.crt");
        this.clientP12 = dir.resolve("client.p12");
    }

    static TestPki create() throws IOException, InterruptedException {
        TestPki pki = new TestPki(Files.createTempDirectory("berth-pki-"));
        try {
            pki.generate();
            return pki;
        } catch (IOException | InterruptedException | RuntimeException e) {
            pki.close();
            throw e;
        }
    }

    private void generate() throws IOException, InterruptedException {
        Path config = Files.writeString(dir.resolve("openssl.cnf"), CONFIG);
        selfSigned(config, "berth test CA", caCert, dir.resolve("ca.key"));
        selfSigned(config, "berth unrelated CA", otherCaCert, dir.resolve("other-ca.key"));
        issued(config, "server", SERVER_NAME, serverCert, serverKey, 1);
        issued(config, "client", "berth test client", clientCert, clientKey, 2);
        openssl("pkcs12", "-export", "-in", clientCert.toString(), "-inkey", clientKey.toString(),
                "-out", clientP12.toString(), "-passout", "pass:" + P12_PASSWORD);
    }

    private void selfSigned(Path config, String cn, Path cert, Path key) throws IOException, InterruptedException {
        openssl("req", "-x509", "-config", config.toString(), "-extensions", "ca", "-newkey", "ec",
                "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key.toString(), "-out", cert.toString(),
                "-days", "2", "-subj", "/CN=" + cn);
    }

    private void issued(Path config, String extensions, String cn, Path cert, Path key, int serial)
            throws IOException, InterruptedException {
        Path csr = dir.resolve(extensions + ".csr");
        openssl("req", "-new", "-config", config.toString(), "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", key.toString(), "-out", csr.toString(), "-subj", "/CN=" + cn);
        openssl("x509", "-req", "-in", csr.toString(), "-CA", caCert.toString(), "-CAkey", dir.resolve("ca.key").toString(),
                "-set_serial", String.valueOf(serial), "-days", "2", "-extfile", config.toString(),
                "-extensions", extensions, "-out", cert.toString());
    }

    /** Runs openssl in the PKI directory; a failure is an exception carrying its output. */
    static String openssl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output;
        try (InputStream in = p.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " exited with " + p.exitValue() + ":\n" + output);
        }
        return output;
    }

    /**
     * An SSLContext for test-side probes, independent of the code under test: trusts only this CA
     * and, if {@code withClientCertificate}, presents the client certificate.
     */
    SSLContext probeContext(boolean withClientCertificate) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            try (InputStream in = Files.newInputStream(caCert)) {
                trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            KeyManagerFactory kmf = null;
            if (withClientCertificate) {
                KeyStore keys = KeyStore.getInstance("PKCS12");
                try (InputStream in = Files.newInputStream(clientP12)) {
                    keys.load(in, P12_PASSWORD.toCharArray());
                }
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, P12_PASSWORD.toCharArray());
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("probe SSLContext from " + dir, e);
        }
    }

    @Override
    public void close() throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}

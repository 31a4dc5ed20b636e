package dev.berth.image.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.image.manifest.Platform;
import dev.berth.image.store.ContentStore;
import dev.berth.image.store.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS registries trusted through certs.d, against real docker-registry processes serving TLS with
 * certificates made by openssl: one with a server certificate only, one that also requires a client
 * certificate, and a plain-HTTP one reached under the TLS name. The test JVM resolves
 * registry.berth.test to 127.0.0.1 through jdk.net.hosts.file (image/pom.xml), so the certificate's
 * DNS name is what the client verifies, without /etc/hosts being touched.
 */
class TlsRegistryTest {
    /** Plain HTTP on 127.0.0.1, reached as registry.berth.test:PORT and so over https. */
    @RegisterExtension
    static final LocalRegistry PLAIN = new LocalRegistry();

    @RegisterExtension
    static final TestWatcher LOGS = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            for (TlsLocalRegistry r : new TlsLocalRegistry[] {server, mutual}) {
                if (r != null) {
                    System.err.println("---- " + r.registry() + " log (" + context.getDisplayName() + " failed) ----\n"
                            + r.log() + "---- end of log ----");
                }
            }
        }
    };

    private static final Platform AMD64 = Platform.parse("linux/amd64");

    private static TestPki pki;
    /** Server certificate only. */
    private static TlsLocalRegistry server;
    /** Requires a client certificate issued by the test CA. */
    private static TlsLocalRegistry mutual;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        pki = TestPki.create();
        server = TlsLocalRegistry.start(pki.serverCert, pki.serverKey, null, pki.probeContext(false));
        mutual = TlsLocalRegistry.start(pki.serverCert, pki.serverKey, pki.caCert, pki.probeContext(true));
    }

    @AfterAll
    static void stop() throws IOException {
        for (AutoCloseable c : new AutoCloseable[] {mutual, server}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IOException("stopping a test registry", e);
                }
            }
        }
        if (pki != null) {
            pki.close();
        }
    }

    @Test
    void imageIsPushedAndPulledOverHttpsTrustingTheCaInCertsD() throws Exception {
        // The CA sits in the second root (as /etc/containers/certs.d); the first has no entry.
        Path dockerRoot = Files.createDirectories(tmp.resolve("docker-certs.d"));
        Path containersRoot = tmp.resolve("containers-certs.d");
        install(containersRoot, server.registry(), pki.caCert, "ca.crt");
        TestImage image = TestImage.build("tls");
        ContentStore source = new ContentStore(tmp.resolve("source"));
        image.storeInto(source);
        Reference target = server.ref("berth/tls:v1");

        try (RegistryClient client = client(List.of(dockerRoot, containersRoot)).build()) {
            assertEquals("https://" + server.registry() + "/v2/", client.baseUri(target).toString());
            assertEquals(image.manifest.digest(),
                    new ImagePusher(client).push(source, image.manifest, target, PushListener.NONE));
        }
        ContentStore pulled = new ContentStore(tmp.resolve("pulled"));
        try (RegistryClient client = client(List.of(dockerRoot, containersRoot)).build()) {
            PullResult result = new ImagePuller(client, pulled).pull(target, image.platform);
            assertEquals(image.manifest.digest(), result.top().digest());
            assertEquals(image.layers, result.manifest().layers());
        }
        assertEquals(source.list(), pulled.list());
        for (Digest d : source.list()) {
            assertArrayEquals(image.blobs.get(d), read(pulled, d), d + " arrived intact");
        }
    }

    @Test
    void withoutTheCaTheHandshakeFailsOnceNamingTheRegistryAndCertsD() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("certs.d"));
        ContentStore store = new ContentStore(tmp.resolve("store"));
        Reference ref = server.ref("berth/never-there:v1");
        RegistryException e;
        try (RegistryClient client = client(List.of(root)).build()) {
            e = assertThrows(RegistryException.class, () -> new ImagePuller(client, store).pull(ref, AMD64));
        }
        String message = e.getMessage();
        assertTrue(message.contains("TLS with registry " + server.registry() + " failed"), message);
        assertTrue(message.contains("PKIX path building failed"), message);
        assertTrue(message.contains("put the registry's CA certificate (PEM, named *.crt) in "
                + root.resolve(server.registry())), message);
        assertTrue(message.endsWith("(after 1 attempt)"), "an untrusted certificate is not retried: " + message);
        assertEquals(-1, e.status());
        assertTrue(store.list().isEmpty(), "nothing stored");

        // By default docker's and podman's system-wide roots are named.
        try (RegistryClient client = RegistryClient.builder().dockerConfig(tmp.resolve("no-config.json"))
                .retry(RegistryClientFaultTest.FAST).build()) {
            RegistryException defaults = assertThrows(RegistryException.class, () -> client.getManifest(ref));
            assertTrue(defaults.getMessage().contains("put the registry's CA certificate (PEM, named *.crt) in"
                    + " /etc/docker/certs.d/" + server.registry() + " or /etc/containers/certs.d/" + server.registry()),
                    defaults.getMessage());
        }

        // A CA in certs.d that did not sign the certificate: the message says which files were trusted.
        Path other = install(root, server.registry(), pki.otherCaCert, "other.crt");
        try (RegistryClient client = client(List.of(root)).build()) {
            RegistryException again = assertThrows(RegistryException.class, () -> client.getManifest(ref));
            assertTrue(again.getMessage().contains("trusted for it now, besides the JDK's CAs: " + other),
                    again.getMessage());
        }
    }

    @Test
    void certificateForAnotherNameIsRejectedOnceEvenWithTheCaTrusted() throws Exception {
        String registry = "other-name.berth.test:" + server.port(); // resolves to 127.0.0.1 (berth-test-hosts)
        Path root = tmp.resolve("certs.d");
        install(root, registry, pki.caCert, "ca.crt");
        try (RegistryClient client = client(List.of(root)).build()) {
            RegistryException e = assertThrows(RegistryException.class,
                    () -> client.getManifest(Reference.parse(registry + "/berth/x:1")));
            String message = e.getMessage();
            assertTrue(message.contains("TLS with registry " + registry + " failed"), message);
            assertTrue(message.contains("No subject alternative DNS name matching other-name.berth.test found"), message);
            assertTrue(message.endsWith("; its certificate was rejected (after 1 attempt)"), message);
        }
    }

    @Test
    void tlsRegistryListedAsInsecureIsRefusedOverPlainHttp() throws Exception {
        Path root = tmp.resolve("certs.d");
        install(root, server.registry(), pki.caCert, "ca.crt");
        ContentStore store = new ContentStore(tmp.resolve("store"));
        RegistryException e;
        try (RegistryClient client = client(List.of(root)).insecure(server.registry()).build()) {
            Reference ref = server.ref("berth/tls:v1");
            assertEquals("http", client.baseUri(ref).getScheme());
            e = assertThrows(RegistryException.class, () -> new ImagePuller(client, store).pull(ref, AMD64));
        }
        assertEquals(400, e.status());
        String message = e.getMessage();
        assertTrue(message.startsWith("GET http://" + server.registry() + "/v2/berth/tls/manifests/v1: 400 "), message);
        assertTrue(message.contains("Client sent an HTTP request to an HTTPS server"), message);
        assertTrue(message.contains(server.registry() + " serves HTTPS, but berth speaks plain HTTP to loopback"
                + " registries and to those listed as insecure"), message);
        assertTrue(store.list().isEmpty(), "nothing stored");
    }

    @Test
    void httpsToAPlainHttpRegistrySaysItDoesNotSpeakTls() throws Exception {
        String registry = TestPki.SERVER_NAME + PLAIN.registry().substring(PLAIN.registry().lastIndexOf(':'));
        try (RegistryClient client = client(List.of(tmp)).build()) {
            RegistryException e = assertThrows(RegistryException.class,
                    () -> client.getManifest(Reference.parse(registry + "/berth/x:1")));
            String message = e.getMessage();
            assertTrue(message.startsWith("GET https://" + registry + "/v2/berth/x/manifests/1: TLS with registry "
                    + registry + " failed: "), message);
            assertTrue(message.contains("it does not speak TLS on this port; if it serves plain HTTP, list it as an"
                    + " insecure registry (after 1 attempt)"), message);
        }
    }

    @Test
    void clientCertificateInCertsDOpensARegistryThatRequiresOne() throws Exception {
        Path withCert = tmp.resolve("with-cert");
        install(withCert, mutual.registry(), pki.caCert, "ca.crt");
        install(withCert, mutual.registry(), pki.clientCert, "client.cert");
        install(withCert, mutual.registry(), pki.clientKey, "client.key");
        TestImage image = TestImage.build("mutual");
        ContentStore source = new ContentStore(tmp.resolve("source"));
        image.storeInto(source);
        Reference target = mutual.ref("berth/mutual:v1");
        ContentStore pulled = new ContentStore(tmp.resolve("pulled"));
        try (RegistryClient client = client(List.of(withCert)).build()) {
            new ImagePusher(client).push(source, image.manifest, target, PushListener.NONE);
            new ImagePuller(client, pulled).pull(target, image.platform);
        }
        assertEquals(source.list(), pulled.list());

        Path caOnly = tmp.resolve("ca-only");
        install(caOnly, mutual.registry(), pki.caCert, "ca.crt");
        try (RegistryClient client = client(List.of(caOnly)).build()) {
            RegistryException e = assertThrows(RegistryException.class, () -> client.getManifest(target));
            String message = e.getMessage();
            assertTrue(message.contains("TLS with registry " + mutual.registry() + " failed"), message);
            assertTrue(message.contains("it wants a client certificate and none is configured; put NAME.cert and"
                    + " NAME.key (PEM, PKCS#8) in " + caOnly.resolve(mutual.registry())), message);
        }
    }

    @Test
    void malformedCertsDEntriesAreErrorsNamingTheFile() throws Exception {
        Reference ref = server.ref("berth/x:1");
        Path root = tmp.resolve("certs.d");
        Path dir = root.resolve(server.registry());

        Path cert = install(root, server.registry(), pki.clientCert, "client.cert");
        assertEquals(cert + ": client certificate without its key client.key (CA certificates must use the"
                + " extension .crt)", failure(root, ref).getMessage());

        Path sec1 = dir.resolve("client.key");
        TestPki.openssl("ec", "-in", pki.clientKey.toString(), "-out", sec1.toString()); // SEC1 "EC PRIVATE KEY"
        String message = failure(root, ref).getMessage();
        assertTrue(message.startsWith(sec1 + ": EC PRIVATE KEY is not supported; berth reads unencrypted PKCS#8 keys"),
                message);
        assertTrue(message.contains("openssl pkcs8 -topk8 -nocrypt -in " + sec1), message);

        Files.copy(pki.serverKey, sec1, StandardCopyOption.REPLACE_EXISTING);
        assertEquals(sec1 + ": private key does not match the public key of " + cert, failure(root, ref).getMessage());

        Files.delete(cert);
        assertEquals(sec1 + ": client key without its certificate client.cert (certs.d of registry "
                + server.registry() + ")", failure(root, ref).getMessage());

        Files.delete(sec1);
        Path garbage = Files.writeString(dir.resolve("ca.crt"), "not a certificate\n");
        assertTrue(failure(root, ref).getMessage().startsWith(garbage + ": "), "names " + garbage);
    }

    @Test
    void registriesWithTheSameCertificatesShareOneHttpClient() throws Exception {
        Path root = tmp.resolve("certs.d");
        install(root, "a.test:1", pki.caCert, "ca.crt");
        install(root, "b.test:2", pki.caCert, "same-ca-other-name.crt");
        install(root, "c.test:3", pki.otherCaCert, "ca.crt");
        Files.createDirectories(root.resolve("d.test"));
        List<HttpClient> made = new ArrayList<>();
        try (HttpClient defaultClient = HttpClient.newHttpClient();
             TlsClients clients = new TlsClients(new CertsDirectories(List.of(root)), defaultClient, ssl -> {
                 HttpClient c = HttpClient.newBuilder().sslContext(ssl).build();
                 made.add(c);
                 return c;
             })) {
            HttpClient a = clients.clientFor("a.test:1");
            assertSame(a, clients.clientFor("b.test:2"), "same CA content, one client");
            HttpClient c = clients.clientFor("c.test:3");
            assertNotSame(a, c);
            assertSame(defaultClient, clients.clientFor("d.test"), "empty directory: default TLS");
            assertSame(defaultClient, clients.clientFor("e.test"), "no directory: default TLS");
            assertSame(defaultClient, clients.clientFor("a.test"), "the port is part of the name");
            assertEquals(List.of(a, c), made);
        }
        assertTrue(made.stream().allMatch(HttpClient::isTerminated), "the clients made are closed with it");
    }

    private RegistryClient.Builder client(List<Path> certsRoots) {
        return RegistryClient.builder().dockerConfig(tmp.resolve("no-config.json")).retry(RegistryClientFaultTest.FAST)
                .certsDirectories(certsRoots);
    }

    /** The error a manifest request with certs.d {@code root} ends in; never a RegistryException. */
    private IOException failure(Path root, Reference ref) throws IOException {
        try (RegistryClient client = client(List.of(root)).build()) {
            IOException e = assertThrows(IOException.class, () -> client.getManifest(ref));
            assertFalse(e instanceof RegistryException, "a local configuration error, before any request: " + e);
            return e;
        }
    }

    /** Copies {@code file} to {@code root/registry/name}. */
    private static Path install(Path root, String registry, Path file, String name) throws IOException {
        Path dir = Files.createDirectories(root.resolve(registry));
        return Files.copy(file, dir.resolve(name));
    }

    private static byte[] read(ContentStore store, Digest d) throws IOException {
        try (InputStream in = store.open(d)) {
            return in.readAllBytes();
        }
    }
}

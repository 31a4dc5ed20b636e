package dev.berth.image.registry;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * What the certs.d directories hold for one registry: extra CA certificates (*.crt) and client
 * identities (NAME.cert with NAME.key).
 *
 * @param registry    the registry as named in references, which is also the directory name
 * @param caFiles     the *.crt files read, in the order read
 * @param authorities the certificates in them
 * @param identities  the client certificate/key pairs
 */
record RegistryCerts(String registry, List<Path> caFiles, List<X509Certificate> authorities,
                     List<ClientIdentity> identities) {
    /** Only the JVM's memory ever holds the key store this protects. */
    private static final char[] IN_MEMORY_PASSWORD = "berth".toCharArray();

    /** A client certificate (chain) and its private key, as read from {@code certFile}/{@code keyFile}. */
    record ClientIdentity(Path certFile, Path keyFile, List<X509Certificate> chain, PrivateKey key) {
        ClientIdentity {
            chain = List.copyOf(chain);
        }
    }

    RegistryCerts {
        caFiles = List.copyOf(caFiles);
        authorities = List.copyOf(authorities);
        identities = List.copyOf(identities);
    }

    /** Nothing in certs.d for this registry: the JDK's default TLS setup applies unchanged. */
    boolean isEmpty() {
        return authorities.isEmpty() && identities.isEmpty();
    }

    /**
     * Identifies the trust setup by content (SHA-256 over the DER of every certificate and key, in
     * order), so that registries whose directories hold the same files share one HttpClient.
     */
    String setupKey() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (X509Certificate ca : authorities) {
                sha.update(ca.getEncoded());
            }
            sha.update((byte) 0); // separates the trust anchors from the identities
            for (ClientIdentity id : identities) {
                for (X509Certificate c : id.chain()) {
                    sha.update(c.getEncoded());
                }
                sha.update(id.key().getEncoded());
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("fingerprinting certificates that were just decoded", e);
        }
    }

    /**
     * An SSLContext trusting the JDK's default CAs plus {@link #authorities()} (docker on Linux merges
     * certs.d CAs with the system roots rather than replacing them) and presenting
     * {@link #identities()} when the registry asks for a client certificate.
     */
    SSLContext sslContext() throws IOException {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers(), trustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("TLS setup for registry " + registry + " from " + caFiles + " and "
                    + identities.stream().map(ClientIdentity::certFile).toList() + ": " + e, e);
        }
    }

    private TrustManager[] trustManagers() throws GeneralSecurityException, IOException {
        // init(null) is the JDK's default trust store (cacerts, or javax.net.ssl.trustStore if set).
        TrustManagerFactory defaults = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        defaults.init((KeyStore) null);
        KeyStore anchors = emptyKeyStore();
        int n = 0;
        for (TrustManager tm : defaults.getTrustManagers()) {
            if (tm instanceof X509TrustManager x509) {
                for (X509Certificate ca : x509.getAcceptedIssuers()) {
                    anchors.setCertificateEntry("default-" + n++, ca);
                }
            }
        }
        for (X509Certificate ca : authorities) {
            anchors.setCertificateEntry("certs.d-" + n++, ca);
        }
        TrustManagerFactory merged = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        merged.init(anchors);
        return merged.getTrustManagers();
    }

    /** Null (no client certificate) without identities, so the JDK answers a request with none. */
    private KeyManager[] keyManagers() throws GeneralSecurityException, IOException {
        if (identities.isEmpty()) {
            return null;
        }
        KeyStore keys = emptyKeyStore();
        int n = 0;
        for (ClientIdentity id : identities) {
            keys.setKeyEntry("client-" + n++, id.key(), IN_MEMORY_PASSWORD, id.chain().toArray(X509Certificate[]::new));
        }
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(keys, IN_MEMORY_PASSWORD);
        return factory.getKeyManagers();
    }

    private static KeyStore emptyKeyStore() throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        return store;
    }
}

package dev.berth.image.store;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * An OCI content digest such as {@code sha256:<64 hex>}. Only the algorithms registered by the OCI
 * image spec (descriptor.md, "Registered algorithms") are accepted, and the encoded part must be
 * lowercase hex of exactly the algorithm's length: the hex becomes a file name in the store, so
 * strict validation is also what keeps a digest from naming a path outside it.
 */
public record Digest(String algorithm, String hex) {

    public Digest {
        String problem = problem(algorithm, hex);
        if (problem != null) {
            throw new IllegalArgumentException("digest " + algorithm + ":" + hex + ": " + problem);
        }
    }

    /** Parses {@code algorithm:hex}; the error names the offending value. */
    public static Digest parse(String value) {
        if (value == null) {
            throw new IllegalArgumentException("digest: null value");
        }
        int colon = value.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException(
                    "digest '" + value + "': expected <algorithm>:<hex>, e.g. sha256:<64 hex>");
        }
        String algorithm = value.substring(0, colon);
        String hex = value.substring(colon + 1);
        String problem = problem(algorithm, hex);
        if (problem != null) {
            throw new IllegalArgumentException("digest '" + value + "': " + problem);
        }
        return new Digest(algorithm, hex);
    }

    /** Digest of {@code data} with {@code algorithm}. */
    public static Digest of(String algorithm, byte[] data) {
        MessageDigest md = newMessageDigest(algorithm);
        return new Digest(algorithm, HexFormat.of().formatHex(md.digest(data)));
    }

    /** A fresh hasher for {@code algorithm} (sha256 or sha512). */
    static MessageDigest newMessageDigest(String algorithm) {
        String javaName = switch (algorithm) {
            case "sha256" -> "SHA-256";
            case "sha512" -> "SHA-512";
            default -> throw new IllegalArgumentException("unsupported digest algorithm '" + algorithm + "'");
        };
        try {
            return MessageDigest.getInstance(javaName);
        } catch (NoSuchAlgorithmException e) {
            // Every Java SE platform must provide SHA-256 and SHA-512 (MessageDigest javadoc).
            throw new IllegalStateException(javaName + " missing from the JDK", e);
        }
    }

    @Override
    public String toString() {
        return algorithm + ":" + hex;
    }

    private static int hexLength(String algorithm) {
        if (algorithm == null) {
            return -1;
        }
        return switch (algorithm) {
            case "sha256" -> 64;
            case "sha512" -> 128;
            default -> -1;
        };
    }

    private static boolean isLowerHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    /** Why (algorithm, hex) is not a valid digest, or null if it is. */
    private static String problem(String algorithm, String hex) {
        int expectedLength = hexLength(algorithm);
        if (expectedLength < 0) {
            return "unsupported algorithm '" + algorithm + "' (expected sha256 or sha512)";
        }
        if (hex == null || hex.length() != expectedLength || !isLowerHex(hex)) {
            return "encoded part must be " + expectedLength + " lowercase hex characters for " + algorithm;
        }
        return null;
    }
}

package dev.berth.image.manifest;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** An OCI image index or Docker manifest list. */
public record Index(int schemaVersion, String mediaType, List<Descriptor> manifests,
                   Map<String, String> annotations) {

    public Index {
        manifests = List.copyOf(manifests);
        annotations = Map.copyOf(annotations);
    }

    /**
     * Chooses the manifest for {@code wanted} the way containerd's platform matcher does: os and
     * architecture must be equal; an equal variant wins; otherwise an older variant of the same family
     * runs too (an arm/v7 CPU executes v6 and v5 code, amd64/v3 executes v2 and baseline), so the
     * newest such variant is taken. Ties go to the earliest entry, as the index order is the
     * publisher's preference (image-index.md). Entries without a platform, or that are not image
     * manifests (e.g. nested indexes), are not candidates.
     */
    public Descriptor select(Platform wanted) {
        Descriptor best = null;
        int bestRank = -1;
        for (Descriptor d : manifests) {
            if (!MediaTypes.isManifest(d.mediaType()) || d.platform().isEmpty()) {
                continue;
            }
            int rank = rank(wanted, d.platform().get());
            if (rank > bestRank) {
                best = d;
                bestRank = rank;
            }
        }
        if (best == null) {
            throw new ManifestException("index: no manifest for platform " + wanted
                    + "; available platforms: " + availablePlatforms());
        }
        return best;
    }

    /** Platforms listed in this index, in index order (for error messages and `berth image inspect`). */
    public List<Platform> platforms() {
        return manifests.stream().flatMap(d -> d.platform().stream()).toList();
    }

    private String availablePlatforms() {
        List<Platform> all = platforms();
        return all.isEmpty() ? "(none)" : all.stream().map(Platform::toString).collect(Collectors.joining(", "));
    }

    /** -1: incompatible; higher is better. Exact variant ranks above every fallback. */
    private static int rank(Platform wanted, Platform candidate) {
        if (!wanted.os().equals(candidate.os()) || !wanted.architecture().equals(candidate.architecture())) {
            return -1;
        }
        if (wanted.variant().equals(candidate.variant())) {
            return 1000;
        }
        int wantedLevel = variantLevel(wanted);
        int candidateLevel = variantLevel(candidate);
        if (wantedLevel < 0 || candidateLevel < 0 || candidateLevel > wantedLevel) {
            return -1;
        }
        return candidateLevel;
    }

    /** "vN" -> N; amd64's empty variant is the baseline v1; anything else is not ordered (-1). */
    private static int variantLevel(Platform p) {
        String v = p.variant();
        if (v.isEmpty() && p.architecture().equals("amd64")) {
            return 1;
        }
        if (v.length() >= 2 && v.charAt(0) == 'v') {
            try {
                return Integer.parseInt(v.substring(1));
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }
}

package dev.berth.image.registry;

import dev.berth.image.registry.HttpTransport.AuthScope;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Answers registry authentication challenges. Bearer (docker's token authentication spec): GET the
 * challenge's realm with {@code service} and one {@code scope} per repository, with Basic credentials
 * when known, and use the returned {@code token} (or OAuth's {@code access_token}) until it expires.
 * Tokens are cached per registry and scope set. Basic: send the credentials on every request once
 * the registry asked for them.
 */
final class Authenticator {
    /**
     * Looked up on first use: the first System.getLogger scans the class path for a logger provider,
     * and this class logs only on rare paths (retries, redirects, resumed downloads).
     */
    private static System.Logger log() {
        return System.getLogger(Authenticator.class.getName());
    }

    /** Token spec: "expires_in ... If omitted, a default of 60 seconds should be assumed." */
    private static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofSeconds(60);
    /** A token this close to expiry is renewed before use rather than risking a 401 mid-download. */
    private static final Duration EXPIRY_MARGIN = Duration.ofSeconds(5);
    private static final long MAX_TOKEN_RESPONSE = 1L << 20;

    /** {@code renewAfter} is the expiry minus a margin (at most half the lifetime). */
    private record Token(String value, Instant renewAfter) {
    }

    private final HttpTransport transport;
    private final Function<String, Optional<Credentials>> credentials;
    private final Function<String, String> credentialSource;
    private final Clock clock;
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();
    private final Set<String> basicRegistries = ConcurrentHashMap.newKeySet();

    /**
     * @param credentials      registry name -> credentials, if any are known
     * @param credentialSource registry name -> where its credentials came from (for error messages)
     */
    Authenticator(HttpTransport transport, Function<String, Optional<Credentials>> credentials,
                  Function<String, String> credentialSource, Clock clock) {
        this.transport = transport;
        this.credentials = credentials;
        this.credentialSource = credentialSource;
        this.clock = clock;
    }

    /** The Authorization header to send pre-emptively, if a valid one is known for this scope. */
    Optional<String> authorization(AuthScope scope) {
        Token token = tokens.get(cacheKey(scope.registry(), scope.scopes()));
        if (token != null && clock.instant().isBefore(token.renewAfter())) {
            return Optional.of("Bearer " + token.value());
        }
        if (basicRegistries.contains(scope.registry())) {
            return credentials.apply(scope.registry()).map(Credentials::basicAuthorization);
        }
        return Optional.empty();
    }

    /**
     * Handles a 401 from {@code uri}: after this returns, {@link #authorization} has a header for
     * {@code scope}. Bearer is preferred when several schemes are offered.
     *
     * @throws RegistryException the token request failed, or Basic is required and no credentials exist
     */
    void answer(AuthScope scope, List<String> headers, URI uri) throws IOException {
        List<AuthChallenge> challenges = new ArrayList<>();
        headers.forEach(h -> challenges.addAll(AuthChallenge.parse(h)));
        Optional<AuthChallenge> bearer = challenges.stream().filter(c -> c.scheme().equals("bearer")).findFirst();
        if (bearer.isPresent()) {
            fetchToken(scope, bearer.get(), uri);
            return;
        }
        if (challenges.stream().anyMatch(c -> c.scheme().equals("basic"))) {
            if (credentials.apply(scope.registry()).isEmpty()) {
                throw RegistryException.invalidResponse("GET", uri, 401, "registry " + scope.registry()
                        + " requires Basic authentication and no credentials are configured for it ("
                        + credentialSource.apply(scope.registry()) + ")");
            }
            basicRegistries.add(scope.registry());
            return;
        }
        throw RegistryException.invalidResponse("GET", uri, 401, "unsupported authentication challenge '"
                + String.join(", ", headers) + "' from " + scope.registry());
    }

    private void fetchToken(AuthScope scope, AuthChallenge challenge, URI challengedUri) throws IOException {
        String realm = challenge.param("realm");
        if (realm == null || realm.isEmpty()) {
            throw RegistryException.invalidResponse("GET", challengedUri, 401,
                    "Bearer challenge without a realm from " + scope.registry());
        }
        List<String> scopes = scopesFor(scope, challenge);
        URI tokenUri = tokenUri(challengedUri.resolve(realm), challenge.param("service"), scopes);
        Optional<Credentials> creds = credentials.apply(scope.registry());
        Map<String, String> headers = new LinkedHashMap<>();
        creds.ifPresent(c -> headers.put("Authorization", c.basicAuthorization()));
        String context = "authenticating to " + scope.registry() + " for " + String.join(" ", scopes)
                + " (credentials: " + (creds.isPresent() ? credentialSource.apply(scope.registry()) : "none, anonymous")
                + ")";
        HttpResponse<InputStream> response;
        try {
            response = transport.send(HttpTransport.Call.of("GET", tokenUri, headers, null).forRegistry(scope.registry()));
        } catch (RegistryException e) {
            throw e.withContext(context);
        }
        if (response.statusCode() != 200) {
            throw HttpTransport.unexpected(response, "GET").withContext(context);
        }
        byte[] body = HttpTransport.readBody(response, "GET", MAX_TOKEN_RESPONSE);
        Token token = parseToken(body, tokenUri, context);
        tokens.put(cacheKey(scope.registry(), scope.scopes()), token);
        log().log(Level.DEBUG, "token for {0} {1}, renewed after {2}", scope.registry(), scopes, token.renewAfter());
    }

    /** Ours plus whatever the registry asked for (a registry may need more than we guessed). */
    private static List<String> scopesFor(AuthScope scope, AuthChallenge challenge) {
        Set<String> all = new LinkedHashSet<>(scope.scopes());
        String asked = challenge.param("scope");
        if (asked != null && !asked.isBlank()) {
            all.addAll(List.of(asked.strip().split("\\s+")));
        }
        return List.copyOf(all);
    }

    private static URI tokenUri(URI realm, String service, List<String> scopes) {
        StringBuilder query = new StringBuilder();
        if (service != null && !service.isEmpty()) {
            query.append("service=").append(encode(service));
        }
        for (String s : scopes) {
            query.append(query.isEmpty() ? "" : "&").append("scope=").append(encode(s));
        }
        String base = realm.toString();
        if (query.isEmpty()) {
            return realm;
        }
        return URI.create(base + (realm.getRawQuery() == null ? "?" : "&") + query);
    }

    private Token parseToken(byte[] body, URI tokenUri, String context) throws RegistryException {
        Map<String, Object> json;
        try {
            json = Json.parseObject(body);
        } catch (Json.MalformedJsonException e) {
            throw RegistryException.invalidResponse("GET", tokenUri, 200, "token response: " + e.getMessage())
                    .withContext(context);
        }
        String value = Json.string(json, "token");
        if (value == null || value.isEmpty()) {
            value = Json.string(json, "access_token");
        }
        if (value == null || value.isEmpty()) {
            throw RegistryException.invalidResponse("GET", tokenUri, 200,
                    "token response has neither 'token' nor 'access_token'").withContext(context);
        }
        Duration lifetime = json.get("expires_in") instanceof Long seconds && seconds > 0
                ? Duration.ofSeconds(seconds) : DEFAULT_TOKEN_LIFETIME;
        Duration margin = EXPIRY_MARGIN.compareTo(lifetime.dividedBy(2)) < 0 ? EXPIRY_MARGIN : lifetime.dividedBy(2);
        return new Token(value, clock.instant().plus(lifetime).minus(margin));
    }

    private static String cacheKey(String registry, List<String> scopes) {
        return registry + " " + String.join(" ", scopes);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}

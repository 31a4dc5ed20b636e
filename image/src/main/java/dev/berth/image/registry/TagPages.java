package dev.berth.image.registry;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The pages of a tag list (distribution-spec "Listing Tags"): the tags of a page's body
 * ({@code {"name": ..., "tags": [...]}}) and the URL of the next page, which a registry gives only
 * in a {@code Link} header with relation "next" (RFC 8288); no such link means the last page.
 */
final class TagPages {
    private TagPages() {
    }

    /** The "tags" of a page; null or absent is none (registries answer so for a repository emptied of tags). */
    static List<?> tags(byte[] body, URI page) throws RegistryException {
        Map<String, Object> document;
        try {
            document = Json.parseObject(body);
        } catch (Json.MalformedJsonException e) {
            throw RegistryException.invalidResponse("GET", page, 200, "tag list: " + e.getMessage());
        }
        Object tags = document.get("tags");
        if (tags == null) {
            return List.of();
        }
        if (!(tags instanceof List<?> list)) {
            throw RegistryException.invalidResponse("GET", page, 200, "tag list: \"tags\" is not an array");
        }
        return list;
    }

    /**
     * The next page: the target of the first link with relation "next", resolved against the
     * page's URL (registries send a path, "&lt;/v2/NAME/tags/list?n=100&amp;last=x&gt;"); null if
     * none. A target on another origin is refused: the request would carry this registry's token.
     */
    static URI next(HttpResponse<?> response, URI page) throws RegistryException {
        for (String header : response.headers().allValues("Link")) {
            String target = nextTarget(header);
            if (target == null) {
                continue;
            }
            URI next;
            try {
                next = response.uri().resolve(target);
            } catch (IllegalArgumentException e) {
                throw RegistryException.invalidResponse("GET", page, 200,
                        "Link header: malformed URL <" + target + ">");
            }
            if (!HttpTransport.sameOrigin(next, page)) {
                throw RegistryException.invalidResponse("GET", page, 200, "the next page of the tag list, " + next
                        + ", is on another server; berth does not send it this registry's credentials");
            }
            return next;
        }
        return null;
    }

    /** In {@code <a>; rel="next", <b>; rel=prev}: the target of the "next" link, or null. */
    static String nextTarget(String header) {
        int i = 0;
        while (true) {
            int open = header.indexOf('<', i);
            int close = open < 0 ? -1 : header.indexOf('>', open);
            if (close < 0) {
                return null;
            }
            // The link's parameters run to the next comma outside a quoted string.
            int end = close + 1;
            boolean quoted = false;
            while (end < header.length() && (quoted || header.charAt(end) != ',')) {
                quoted ^= header.charAt(end) == '"';
                end++;
            }
            if (relationsInclude(header.substring(close + 1, end), "next")) {
                return header.substring(open + 1, close);
            }
            i = end;
        }
    }

    /** rel's value is a space-separated list of relation types, compared case-insensitively. */
    private static boolean relationsInclude(String parameters, String relation) {
        for (String parameter : parameters.split(";")) {
            int eq = parameter.indexOf('=');
            if (eq < 0 || !parameter.substring(0, eq).strip().equalsIgnoreCase("rel")) {
                continue;
            }
            String value = parameter.substring(eq + 1).strip();
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                value = value.substring(1, value.length() - 1);
            }
            for (String type : value.strip().split("\\s+")) {
                if (type.toLowerCase(Locale.ROOT).equals(relation)) {
                    return true;
                }
            }
        }
        return false;
    }
}

package dev.telltale.upgrade.bundle;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.upgrade.bundle.BundleRefusedException.Reason;
import java.io.IOException;
import java.util.Base64;
import java.util.Iterator;
import java.util.Set;

/** manifest.sig: {"key-id": ..., "algorithm": "Ed25519", "signature": base64 of the signature over manifest.json}. */
record SignatureFile(String keyId, byte[] signature) {

    static final String NAME = "manifest.sig";
    static final int MAX_BYTES = 4096;
    private static final Set<String> KEYS = Set.of("key-id", "algorithm", "signature");
    private static final JsonMapper JSON = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    byte[] toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("key-id", keyId);
        o.put("algorithm", ReleaseKeys.ALGORITHM);
        o.put("signature", Base64.getEncoder().encodeToString(signature));
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(o);
        } catch (JacksonException e) {
            throw new IllegalStateException("cannot write a signature", e);
        }
    }

    static SignatureFile parse(byte[] json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw malformed("not valid JSON");
        }
        if (root == null || !root.isObject()) throw malformed("not a JSON object");
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KEYS.contains(k)) throw malformed("unknown field " + SafePaths.quote(k));
        }
        for (String k : KEYS) {
            if (!root.has(k) || !root.get(k).isTextual()) throw malformed("no string field \"" + k + "\"");
        }
        String algorithm = root.get("algorithm").textValue();
        if (!ReleaseKeys.ALGORITHM.equals(algorithm)) {
            throw new BundleRefusedException(Reason.BAD_SIGNATURE,
                    "the bundle is signed with " + SafePaths.quote(algorithm) + "; only Ed25519 signatures are accepted");
        }
        String keyId = root.get("key-id").textValue();
        if (!ReleaseKeys.isKeyId(keyId)) throw malformed("key-id is not " + ReleaseKeys.KEY_ID_LENGTH + " lower-case hex digits");
        try {
            return new SignatureFile(keyId, Base64.getDecoder().decode(root.get("signature").textValue()));
        } catch (IllegalArgumentException e) {
            throw malformed("signature is not base64");
        }
    }

    private static BundleRefusedException malformed(String message) {
        return new BundleRefusedException(Reason.MALFORMED, "malformed " + NAME + ": " + message);
    }
}

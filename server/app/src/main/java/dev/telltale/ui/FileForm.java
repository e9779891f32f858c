package dev.telltale.ui;

import dev.telltale.auth.Sessions;
import io.helidon.webserver.http.ServerRequest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A form that uploads one file ({@code multipart/form-data}) without JavaScript: the fields
 * before the file (the CSRF field first) are read and the session's CSRF token checked, then the
 * file's bytes go to the handler as they arrive, never held whole in memory.
 */
public final class FileForm {
    static final int MAX_FIELD_BYTES = 64 * 1024;
    static final int MAX_FIELDS = 32;
    private static final String EXPIRED = "The form has expired or did not come from this appliance. Reload the page and try again.";

    private FileForm() {
    }

    /** Receives the uploaded file. */
    @FunctionalInterface
    public interface FileHandler {
        void accept(String fileName, InputStream content);
    }

    /**
     * Reads the form and hands {@code fileField}'s content to {@code handler}.
     *
     * @return the text fields that came before the file
     * @throws UiException 403 without a session or with a missing or wrong CSRF token (also when
     *                     the body is not multipart), 400 for a malformed body or no file
     */
    public static Map<String, String> read(ServerRequest req, String fileField, FileHandler handler) {
        Sessions.Session s = req.context().get(Sessions.Session.class)
                .orElseThrow(() -> new UiException(403, "This form needs a signed-in browser session."));
        Optional<String> boundary = req.headers().first(io.helidon.http.HeaderNames.CONTENT_TYPE)
                .flatMap(MultipartReader::boundary);
        if (boundary.isEmpty()) {
            throw new UiException(403, EXPIRED);
        }
        Map<String, String> fields = new HashMap<>();
        try (InputStream body = req.content().inputStream()) {
            MultipartReader parts = new MultipartReader(body, boundary.get());
            Optional<MultipartReader.Part> p;
            while ((p = parts.next()).isPresent()) {
                MultipartReader.Part part = p.get();
                if (part.name().equals(fileField) && part.fileName().isPresent()) {
                    if (!Form.sameToken(fields.getOrDefault(Form.CSRF_FIELD, ""), s.csrfToken())) {
                        throw new UiException(403, EXPIRED);
                    }
                    if (part.fileName().get().isEmpty()) {
                        throw new UiException(400, "Choose a file first.");
                    }
                    handler.accept(part.fileName().get(), part.body());
                    return fields;
                }
                if (fields.size() == MAX_FIELDS) {
                    throw new UiException(400, "The form has too many fields.");
                }
                byte[] value = part.body().readNBytes(MAX_FIELD_BYTES + 1);
                if (value.length > MAX_FIELD_BYTES) {
                    throw new UiException(413, "A field of the form is too large.");
                }
                fields.put(part.name(), new String(value, StandardCharsets.UTF_8));
            }
        } catch (MultipartReader.MalformedException e) {
            throw new UiException(400, "The upload is malformed: " + e.getMessage() + ".");
        } catch (IOException e) {
            throw new UiException(400, "The upload could not be read.");
        }
        if (!Form.sameToken(fields.getOrDefault(Form.CSRF_FIELD, ""), s.csrfToken())) {
            throw new UiException(403, EXPIRED);
        }
        throw new UiException(400, "Choose a file first.");
    }
}

package dev.vouch.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * A docker-save image tar as Jib's {@code buildTar} writes it, read back: its config and the files of its layers, the
 * upper layer's entry winning as in a container's root file system.
 */
final class ImageTar {
    /** One path in the image's file system. */
    record FileEntry(String path, int mode, long uid, long gid, long size, boolean directory, boolean symlink,
            int layer, byte[] content) {
        /** The permission bits, including setuid, setgid and sticky. */
        int permissions() {
            return mode & 07777;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long KEEP_CONTENT_BELOW = 64 * 1024;

    final String repoTag;
    final JsonNode config;
    final int layers;
    final Map<String, FileEntry> files;

    private ImageTar(String repoTag, JsonNode config, int layers, Map<String, FileEntry> files) {
        this.repoTag = repoTag;
        this.config = config;
        this.layers = layers;
        this.files = files;
    }

    static ImageTar read(Path tar) throws IOException {
        Map<String, byte[]> members = new HashMap<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(tar))) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                if (!e.isDirectory()) {
                    members.put(e.getName(), in.readAllBytes());
                }
            }
        }
        JsonNode manifest = JSON.readTree(members.get("manifest.json")).get(0);
        JsonNode config = JSON.readTree(members.get(manifest.get("Config").asText()));
        Map<String, FileEntry> files = new LinkedHashMap<>();
        List<String> layerNames = new ArrayList<>();
        manifest.get("Layers").forEach(n -> layerNames.add(n.asText()));
        for (int i = 0; i < layerNames.size(); i++) {
            byte[] blob = members.get(layerNames.get(i));
            InputStream raw = new ByteArrayInputStream(blob);
            InputStream layer = blob.length > 2 && (blob[0] & 0xff) == 0x1f && (blob[1] & 0xff) == 0x8b
                    ? new GZIPInputStream(raw) : raw;
            try (TarArchiveInputStream in = new TarArchiveInputStream(layer)) {
                TarArchiveEntry e;
                while ((e = in.getNextEntry()) != null) {
                    String path = "/" + e.getName().replaceFirst("^\\./", "").replaceFirst("/$", "");
                    byte[] content = e.isFile() && e.getSize() < KEEP_CONTENT_BELOW ? in.readAllBytes() : null;
                    files.put(path, new FileEntry(path, e.getMode(), e.getLongUserId(), e.getLongGroupId(), e.getSize(),
                            e.isDirectory(), e.isSymbolicLink(), i, content));
                }
            }
        }
        return new ImageTar(manifest.get("RepoTags").get(0).asText(), config, layerNames.size(), files);
    }

    /** The container's run configuration ({@code config} in the image config). */
    JsonNode container() {
        return config.get("config");
    }

    List<String> strings(String field) {
        List<String> out = new ArrayList<>();
        JsonNode n = container().get(field);
        if (n != null) {
            n.forEach(v -> out.add(v.asText()));
        }
        return out;
    }

    List<String> keys(String field) {
        List<String> out = new ArrayList<>();
        JsonNode n = container().get(field);
        if (n != null) {
            n.fieldNames().forEachRemaining(out::add);
        }
        return out;
    }

    FileEntry file(String path) {
        FileEntry f = files.get(path);
        if (f == null) {
            throw new AssertionError("the image has no " + path);
        }
        return f;
    }
}

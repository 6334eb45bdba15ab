import Foundation

/// The web app's files (`Public/`, bundled as a resource), read once at start-up and served from memory.
///
/// Layout: the root files (`index.html`, `sw.js`, `manifest.webmanifest`) are templates whose `__MONPS_VERSION__`
/// becomes the version (a hash of every file) and whose `__MONPS_PRECACHE__` becomes the JSON list of the shell's
/// URLs; everything under `Public/assets/` is served at `/assets/<version>/…` and cached for a year (`immutable`):
/// a new build has a new version, hence new URLs. The root files are revalidated on every use (`no-cache`, ETag).
struct WebAssets: Sendable {
    struct File: Sendable, Equatable {
        var bytes: [UInt8]
        var contentType: String
        var etag: String
    }

    enum LoadError: Error, CustomStringConvertible {
        case missing(String)
        var description: String {
            switch self {
            case .missing(let what): "web app files not found in the bundle: \(what)"
            }
        }
    }

    static let versionPlaceholder = "__MONPS_VERSION__"
    static let precachePlaceholder = "__MONPS_PRECACHE__"
    static let templated: Set<String> = ["index.html", "sw.js", "manifest.webmanifest"]

    /// Hash of every file's path and contents (16 hex digits).
    let version: String
    /// Root files by name (`index.html`, `sw.js`, …), templates already filled.
    let root: [String: File]
    /// Files under `assets/`, by their path relative to it (`js/app.js`).
    let assets: [String: File]

    /// `files`: path relative to the `Public` folder → contents.
    init(files: [String: [UInt8]]) {
        var hasher: [UInt8] = []
        for path in files.keys.sorted() {
            hasher += Array(path.utf8) + [0] + CryptoPrimitives.sha256(files[path]!) 
        }
        let version = Self.hex(CryptoPrimitives.sha256(hasher)).prefix(16)
        self.version = String(version)
        var assets: [String: File] = [:]
        var root: [String: File] = [:]
        for (path, bytes) in files {
            if path.hasPrefix("assets/") {
                assets[String(path.dropFirst("assets/".count))] = Self.file(bytes, path: path)
            } else if !path.contains("/") {
                root[path] = Self.file(bytes, path: path)
            }
        }
        let precache = ["/"] + assets.keys.sorted().filter { !$0.hasPrefix("icons/") || $0.hasSuffix("192.png") }
            .map { "/assets/\(version)/\($0)" }
        let precacheJSON = "[" + precache.map { "\"\($0)\"" }.joined(separator: ",") + "]"
        for name in Self.templated {
            guard let file = root[name], let text = String(bytes: file.bytes, encoding: .utf8) else { continue }
            let filled = text.replacingOccurrences(of: Self.versionPlaceholder, with: String(version))
                .replacingOccurrences(of: Self.precachePlaceholder, with: precacheJSON)
            root[name] = Self.file(Array(filled.utf8), path: name)
        }
        self.root = root
        self.assets = assets
    }

    /// The files bundled with the MonPS module (`Sources/MonPS/Resources/Public` → `Public/`).
    static func bundled() throws -> WebAssets {
        guard let folder = Bundle.module.url(forResource: "Public", withExtension: nil) else {
            throw LoadError.missing("Public/")
        }
        return try WebAssets(folder: folder)
    }

    init(folder: URL) throws {
        var files: [String: [UInt8]] = [:]
        let base = folder.resolvingSymlinksInPath().standardizedFileURL.path
        guard let walker = FileManager.default.enumerator(at: folder.resolvingSymlinksInPath(), includingPropertiesForKeys: [.isRegularFileKey]) else {
            throw LoadError.missing(folder.path)
        }
        for case let url as URL in walker {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true else { continue }
            let path = url.resolvingSymlinksInPath().standardizedFileURL.path
            guard path.hasPrefix(base + "/") else { continue }
            let relative = String(path.dropFirst(base.count + 1))
            // Editor leftovers and dotfiles are not part of the app.
            if relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
            files[relative] = Array(try Data(contentsOf: url))
        }
        guard files["index.html"] != nil else { throw LoadError.missing("index.html") }
        self.init(files: files)
    }

    private static func file(_ bytes: [UInt8], path: String) -> File {
        File(bytes: bytes, contentType: contentType(of: path), etag: "\"" + hex(CryptoPrimitives.sha256(bytes)).prefix(32) + "\"")
    }

    static func contentType(of path: String) -> String {
        switch path.split(separator: ".").last.map({ $0.lowercased() }) ?? "" {
        case "html": "text/html; charset=utf-8"
        case "js", "mjs": "text/javascript; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "json": "application/json"
        case "webmanifest": "application/manifest+json"
        case "png": "image/png"
        case "svg": "image/svg+xml"
        case "ico": "image/x-icon"
        case "txt": "text/plain; charset=utf-8"
        default: "application/octet-stream"
        }
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        var out = ""
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
        return out
    }
}

public enum MonPSVersion { public static let current = "0.1.0" }

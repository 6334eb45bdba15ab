import MonPSAPI

// Exhaustive bridges between the spec's enums and the domain's: a case added on either side is a compile error
// here, not a crash of the request that first meets it.

extension Role {
    init(_ role: Components.Schemas.Role) {
        switch role {
        case .admin: self = .admin
        case .user: self = .user
        case .viewer: self = .viewer
        }
    }
}

extension Components.Schemas.Role {
    init(_ role: Role) {
        switch role {
        case .admin: self = .admin
        case .user: self = .user
        case .viewer: self = .viewer
        }
    }
}

extension UserStatus {
    init(_ status: Components.Schemas.UserStatus) {
        switch status {
        case .active: self = .active
        case .disabled: self = .disabled
        case .deleted: self = .deleted
        }
    }
}

extension Components.Schemas.UserStatus {
    init(_ status: UserStatus) {
        switch status {
        case .active: self = .active
        case .disabled: self = .disabled
        case .deleted: self = .deleted
        }
    }
}

package registry

import "github.com/waymark-org/waymark/internal/sqlstore"

// StoreOf is the store under a registry, for tests to arrange and inspect what they test.
func StoreOf(r *Registry) *sqlstore.Store { return r.store }

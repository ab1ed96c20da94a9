package registry_test

import (
	"reflect"
	"testing"

	"github.com/waymark-org/waymark/internal/registry"
	"github.com/waymark-org/waymark/internal/sqlstore"
)

// The registry is the only way to the data from the web and the API: nothing it holds hands out
// the store, so every read and write goes through a method that takes the actor, checks it and
// audits it.
func TestRegistryDoesNotHandOutTheStore(t *testing.T) {
	store := reflect.TypeFor[*sqlstore.Store]()
	rt := reflect.TypeFor[registry.Registry]()
	for f := range rt.Fields() {
		if f.IsExported() && f.Type == store {
			t.Errorf("Registry.%s exports the store", f.Name)
		}
	}
	for m := range reflect.TypeFor[*registry.Registry]().Methods() {
		for i := range m.Type.NumOut() {
			if m.Type.Out(i) == store {
				t.Errorf("Registry.%s returns the store", m.Name)
			}
		}
	}
}

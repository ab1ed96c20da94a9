package identify

import (
	"cmp"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// Duplicate is a recorded child and another the engine rates as likely the same child.
type Duplicate struct {
	ChildID string
	Candidate
}

// DuplicateAt is the probability from which a pair goes in the duplicates report: more likely than
// not one child. Below it are mostly children sharing a common name, each of several alike
// candidates holding a share of the chance — a search's "possible", not a finding to act on.
const DuplicateAt = 0.5

// DuplicateSearch is a duplicates report being made: each child the organisation has recorded is
// searched for in the rest of the registry, as if it had just been found. An organisation of a
// hundred thousand children takes minutes, so the search runs in the background.
type DuplicateSearch struct {
	Of         int    // children to search with
	Generation uint64 // the index's generation when the search began
	searched   atomic.Int64
	done       chan struct{}
	found      []Duplicate
}

// Duplicates makes the organisation's duplicates report on every core and returns it.
func (e *Engine) Duplicates(orgID string) []Duplicate {
	d := e.StartDuplicates(orgID, runtime.GOMAXPROCS(0))
	<-d.done
	return d.found
}

// StartDuplicates begins the organisation's duplicates report on workers goroutines.
func (e *Engine) StartDuplicates(orgID string, workers int) *DuplicateSearch {
	var own []*Record
	ix := e.Index
	ix.mu.RLock()
	d := &DuplicateSearch{Generation: ix.gen, done: make(chan struct{})}
	for _, r := range ix.records {
		if r != nil && r.OrgID == orgID {
			own = append(own, r.asQuery())
		}
	}
	ix.mu.RUnlock()
	d.Of = len(own)
	go func() {
		d.found = e.duplicates(own, max(workers, 1), &d.searched)
		close(d.done)
	}()
	return d
}

// Progress says how many of the children have been searched with.
func (d *DuplicateSearch) Progress() (searched, of int) { return int(d.searched.Load()), d.Of }

// Done is closed when the report is made.
func (d *DuplicateSearch) Done() <-chan struct{} { return d.done }

// Finished reports whether the report is made.
func (d *DuplicateSearch) Finished() bool {
	select {
	case <-d.done:
		return true
	default:
		return false
	}
}

// Found returns every pair rated at least DuplicateAt — once each, most likely first — once the
// report is made; nil before.
func (d *DuplicateSearch) Found() []Duplicate {
	if !d.Finished() {
		return nil
	}
	return d.found
}

func (e *Engine) duplicates(own []*Record, workers int, searched *atomic.Int64) []Duplicate {
	found := make([][]Candidate, len(own))
	var wg sync.WaitGroup
	next := atomic.Int64{}
	for range workers {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(own); i = int(next.Add(1) - 1) {
				found[i] = e.rank(own[i], 5, own[i].ChildID).Candidates
				searched.Add(1)
			}
		})
	}
	wg.Wait()
	seen := map[[2]string]bool{}
	var out []Duplicate
	for i, q := range own {
		for _, c := range found[i] {
			pair := [2]string{min(q.ChildID, c.ChildID), max(q.ChildID, c.ChildID)}
			if c.Probability >= DuplicateAt && !seen[pair] {
				seen[pair] = true
				out = append(out, Duplicate{q.ChildID, c})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Duplicate) int { return cmp.Compare(b.Probability, a.Probability) })
	return out
}

// Generation counts the changes to the index: a report made at an earlier generation may be out of date.
func (e *Engine) Generation() uint64 {
	e.Index.mu.RLock()
	defer e.Index.mu.RUnlock()
	return e.Index.gen
}

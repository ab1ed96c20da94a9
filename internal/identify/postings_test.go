package identify

import (
	"slices"
	"testing"
)

func TestPostings(t *testing.T) {
	p := newPostings()
	var buf [1]int32
	steps := []struct {
		add  bool
		pos  int32
		want []int32
	}{
		{true, 7, []int32{7}},
		{true, 9, []int32{7, 9}},
		{true, 3, []int32{7, 9, 3}},
		{false, 9, []int32{7, 3}},
		{false, 7, []int32{3}},
		{false, 5, []int32{3}}, // not there: nothing changes
		{true, 4, []int32{3, 4}},
		{false, 3, []int32{4}},
		{false, 4, nil},
		{false, 4, nil},
	}
	for i, s := range steps {
		if s.add {
			p.add(42, s.pos)
		} else {
			p.remove(42, s.pos)
		}
		if got := p.get(42, &buf); !slices.Equal(got, s.want) {
			t.Fatalf("step %d: %v, want %v", i, got, s.want)
		}
	}
	if len(p.one)+len(p.many) != 0 {
		t.Fatalf("empty postings still hold keys: %v %v", p.one, p.many)
	}
	if got := p.get(1, &buf); got != nil {
		t.Fatalf("unknown key: %v", got)
	}
}

package identify

import "slices"

// postings maps a blocking key's hash to the positions of the records holding it. Most keys (a
// phone, a document, a rare pair of names) belong to one record only: those live in a map of
// bare positions, a fifth of the memory of a map of lists. Lists are held by pointer so that
// adding to one (most of building the index) is a single map lookup.
type postings struct {
	one  map[uint64]int32
	many map[uint64]*[]int32
}

func newPostings() postings {
	return postings{one: map[uint64]int32{}, many: map[uint64]*[]int32{}}
}

func (p *postings) add(h uint64, pos int32) {
	if list := p.many[h]; list != nil {
		*list = append(*list, pos)
	} else if first, ok := p.one[h]; ok {
		delete(p.one, h)
		p.many[h] = &[]int32{first, pos}
	} else {
		p.one[h] = pos
	}
}

func (p *postings) remove(h uint64, pos int32) {
	if first, ok := p.one[h]; ok {
		if first == pos {
			delete(p.one, h)
		}
		return
	}
	list := p.many[h]
	if list == nil {
		return
	}
	if i := slices.Index(*list, pos); i >= 0 {
		*list = slices.Delete(*list, i, i+1)
	}
	switch len(*list) {
	case 0:
		delete(p.many, h)
	case 1:
		delete(p.many, h)
		p.one[h] = (*list)[0]
	}
}

// get returns the positions holding h; a single one is returned in buf, so nothing is allocated.
func (p *postings) get(h uint64, buf *[1]int32) []int32 {
	if first, ok := p.one[h]; ok {
		buf[0] = first
		return buf[:]
	}
	if list := p.many[h]; list != nil {
		return *list
	}
	return nil
}

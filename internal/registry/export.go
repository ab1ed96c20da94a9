package registry

import (
	"bufio"
	"context"
	"fmt"
	"io"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/interchange"
)

// ExportChildren writes every child of orgID ("" for all), with their encounters and care
// history, to w as child interchange JSON Lines, and returns how many. The export is audited,
// with how many children it holds, before the first line is written.
func (r *Registry) ExportChildren(ctx context.Context, a waymark.Actor, orgID string, w io.Writer) (int, error) {
	if err := r.check(ctx, a, waymark.ExportChildren, waymark.Scope{OrgID: orgID}, "children", orgID); err != nil {
		return 0, err
	}
	n, err := r.store.CountChildren(ctx, orgID)
	if err != nil {
		return 0, err
	}
	e := entry(a, string(waymark.ExportChildren), "children", orgID, orgID)
	e.Reason = fmt.Sprintf("%d children", n)
	if err := r.store.Audit(ctx, e); err != nil {
		return 0, err
	}
	bw := bufio.NewWriter(w)
	written := 0
	err = r.store.AllChildren(ctx, orgID, func(c *waymark.Child) error {
		encs, err := r.store.Encounters(ctx, c.ID)
		if err != nil {
			return err
		}
		var h interchange.History
		if h.Placements, err = r.store.Placements(ctx, c.ID); err != nil {
			return err
		}
		if h.Episodes, err = r.store.Episodes(ctx, c.ID); err != nil {
			return err
		}
		if h.Screenings, err = r.store.Screenings(ctx, c.ID); err != nil {
			return err
		}
		if h.NRM, err = r.store.NRMReferral(ctx, c.ID); err != nil {
			return err
		}
		written++
		return interchange.Write(bw, interchange.Export(c, encs, h))
	})
	if err != nil {
		return written, err
	}
	return written, bw.Flush()
}

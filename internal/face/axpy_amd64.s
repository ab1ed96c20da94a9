#include "textflag.h"

// func axpyFMA(c, a, b []float32, stride int)
// For every j < len(c) (a multiple of 8): c[j] += Σp a[p]·b[p·stride+j]. Each strip of 32 (then 8)
// of c's numbers stays in registers while every a[p] is broadcast and fused into it.
TEXT ·axpyFMA(SB), NOSPLIT, $0-80
	MOVQ c_base+0(FP), DI
	MOVQ c_len+8(FP), CX
	MOVQ a_base+24(FP), SI
	MOVQ a_len+32(FP), R8
	MOVQ b_base+48(FP), DX
	MOVQ stride+72(FP), R9
	SHLQ $2, R9

strip32:
	CMPQ CX, $32
	JLT  strip8
	VMOVUPS (DI), Y0
	VMOVUPS 32(DI), Y1
	VMOVUPS 64(DI), Y2
	VMOVUPS 96(DI), Y3
	MOVQ SI, R10
	MOVQ DX, R11
	MOVQ R8, R12

loop32:
	TESTQ R12, R12
	JEQ   done32
	VBROADCASTSS (R10), Y4
	VFMADD231PS  (R11), Y4, Y0
	VFMADD231PS  32(R11), Y4, Y1
	VFMADD231PS  64(R11), Y4, Y2
	VFMADD231PS  96(R11), Y4, Y3
	ADDQ $4, R10
	ADDQ R9, R11
	DECQ R12
	JMP  loop32

done32:
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	ADDQ $128, DI
	ADDQ $128, DX
	SUBQ $32, CX
	JMP  strip32

strip8:
	CMPQ CX, $8
	JLT  end
	VMOVUPS (DI), Y0
	MOVQ SI, R10
	MOVQ DX, R11
	MOVQ R8, R12

loop8:
	TESTQ R12, R12
	JEQ   done8
	VBROADCASTSS (R10), Y4
	VFMADD231PS  (R11), Y4, Y0
	ADDQ $4, R10
	ADDQ R9, R11
	DECQ R12
	JMP  loop8

done8:
	VMOVUPS Y0, (DI)
	ADDQ $32, DI
	ADDQ $32, DX
	SUBQ $8, CX
	JMP  strip8

end:
	VZEROUPPER
	RET

// func maddFMA(out, in, w []float32)
// out[i] += in[i]·w[i mod len(w)]; len(w) a multiple of 8, len(out) = len(in) a multiple of len(w).
TEXT ·maddFMA(SB), NOSPLIT, $0-72
	MOVQ out_base+0(FP), DI
	MOVQ out_len+8(FP), CX
	MOVQ in_base+24(FP), SI
	MOVQ w_base+48(FP), DX
	MOVQ w_len+56(FP), R9

tile:
	TESTQ CX, CX
	JEQ   madddone
	MOVQ  DX, R10
	MOVQ  R9, R11

eight:
	VMOVUPS     (SI), Y1
	VMOVUPS     (DI), Y0
	VFMADD231PS (R10), Y1, Y0
	VMOVUPS     Y0, (DI)
	ADDQ        $32, SI
	ADDQ        $32, DI
	ADDQ        $32, R10
	SUBQ        $8, R11
	JNE         eight
	SUBQ        R9, CX
	JMP         tile

madddone:
	VZEROUPPER
	RET

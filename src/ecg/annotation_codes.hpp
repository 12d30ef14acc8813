#pragma once
// MIT annotation type codes and their mnemonics, as PhysioNet documents them (WFDB "ecgcodes.h"
// and the annotation symbol table): 1 N, 2 L, 3 R, 4 a, 5 V, 6 F, 7 J, 8 A, 9 S, 10 E, 11 j, 12 /,
// 13 Q, 14 ~, 16 |, 18 s, 19 T, 20 *, 21 D, 22 ", 23 =, 24 p, 25 B, 26 ^, 27 t, 28 +, 29 u, 30 ?,
// 31 !, 32 [, 33 ], 34 e, 35 n, 36 @, 37 x, 38 f, 39 (, 40 ), 41 r. Code 0 is the null annotation
// (shown as a space); unassigned codes up to 49 are shown as "[15]" and so on.
#include <string>

namespace hesplit::ecg {

inline constexpr int kMaxAnnotationCode = 49;  // ACMAX: codes 50..58 are undefined
inline constexpr int kNoteCode = 22;           // NOTE: a comment annotation

// The mnemonic of `code` (0 .. kMaxAnnotationCode); "[code]" for codes without one.
std::string annotation_symbol(int code);

// The code of `symbol`, or -1 when no code has it.
int annotation_code(const std::string& symbol);

}  // namespace hesplit::ecg

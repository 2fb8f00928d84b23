;; The bootstrap's inner loop for a mean (see resampleSum1 in paired.ts), on four generator
;; streams at once: one resample per stream, so four resamples share each pass over a block of
;; 1,024 rows. Compiled by `npm run gen` into gather-wasm.ts; gather.ts drives it.
;;
;; Each lane k draws exactly what resampleSum1 draws for its stream: the xoshiro128** step, three
;; row indices per 32-bit output (bits 0-9, 10-19, 20-29) while three or more draws are left in the
;; block, then one (bits 0-9) per output, and sums the values in the same order, acc + ((x[i0] +
;; x[i1]) + x[i2]) with acc starting at 0 in each block: so the lane's sums equal the JS loop's
;; bit for bit (IEEE f64 adds in the same order; i32 ops give the same generator).
;;
;; Memory (byte addresses):
;;     0 ..  63  generator states, word-major: word i of lane k (s0..s3) at 16 i + 4 k
;;    64 ..  79  counts: the draws of lane k in this block left after the common steps, i32
;;   128 .. 159  totals: lane k's running sum over the blocks, f64
;;   192 .. 239  scratch: the three index vectors of a step
;;  1024 ..      the values x[0 .. n), f64
(module
  (memory (export "memory") 1)

  ;; Lane k's draws after the common steps, one lane at a time (the generator at $st: its s0
  ;; word; the words are 16 bytes apart): $c draws in the block at byte address $base, added to
  ;; $acc; the same loop as resampleSum1's.
  (func $lane (param $base i32) (param $c i32) (param $st i32) (param $acc f64) (result f64)
    (local $s0 i32) (local $s1 i32) (local $s2 i32) (local $s3 i32) (local $r i32) (local $t i32)
    (local.set $s0 (i32.load offset=0 (local.get $st)))
    (local.set $s1 (i32.load offset=16 (local.get $st)))
    (local.set $s2 (i32.load offset=32 (local.get $st)))
    (local.set $s3 (i32.load offset=48 (local.get $st)))
    (block $done
      (br_if $done (i32.le_s (local.get $c) (i32.const 0)))
      (loop $draw
        ;; r = rotl(s1 * 5, 7) * 9, then the state update
        (local.set $r (i32.mul (i32.rotl (i32.mul (local.get $s1) (i32.const 5)) (i32.const 7)) (i32.const 9)))
        (local.set $t (i32.shl (local.get $s1) (i32.const 9)))
        (local.set $s2 (i32.xor (local.get $s2) (local.get $s0)))
        (local.set $s3 (i32.xor (local.get $s3) (local.get $s1)))
        (local.set $s1 (i32.xor (local.get $s1) (local.get $s2)))
        (local.set $s0 (i32.xor (local.get $s0) (local.get $s3)))
        (local.set $s2 (i32.xor (local.get $s2) (local.get $t)))
        (local.set $s3 (i32.rotl (local.get $s3) (i32.const 11)))
        (if (i32.ge_s (local.get $c) (i32.const 3))
          (then
            ;; byte offsets 8 (r & 1023), 8 ((r >>> 10) & 1023), 8 ((r >>> 20) & 1023)
            (local.set $acc (f64.add (local.get $acc)
              (f64.add
                (f64.add
                  (f64.load (i32.add (local.get $base) (i32.shl (i32.and (local.get $r) (i32.const 1023)) (i32.const 3))))
                  (f64.load (i32.add (local.get $base) (i32.and (i32.shr_u (local.get $r) (i32.const 7)) (i32.const 8184)))))
                (f64.load (i32.add (local.get $base) (i32.and (i32.shr_u (local.get $r) (i32.const 17)) (i32.const 8184)))))))
            (local.set $c (i32.sub (local.get $c) (i32.const 3))))
          (else
            (local.set $acc (f64.add (local.get $acc)
              (f64.load (i32.add (local.get $base) (i32.shl (i32.and (local.get $r) (i32.const 1023)) (i32.const 3))))))
            (local.set $c (i32.sub (local.get $c) (i32.const 1)))))
        (br_if $draw (i32.gt_s (local.get $c) (i32.const 0)))))
    (i32.store offset=0 (local.get $st) (local.get $s0))
    (i32.store offset=16 (local.get $st) (local.get $s1))
    (i32.store offset=32 (local.get $st) (local.get $s2))
    (i32.store offset=48 (local.get $st) (local.get $s3))
    (local.get $acc))

  ;; One block of 1,024 rows at byte address $base for the four lanes: first $q steps of three
  ;; draws each on all lanes at once ($q at most any lane's draws / 3), then each lane's remaining
  ;; draws (the counts at 64) by $lane; each lane's block sum is added to its total.
  (func (export "block") (param $base i32) (param $q i32)
    (local $S0 v128) (local $S1 v128) (local $S2 v128) (local $S3 v128)
    (local $m v128) (local $r v128) (local $t v128) (local $B v128) (local $M v128)
    (local $A01 v128) (local $A23 v128)
    (local.set $S0 (v128.load offset=0 (i32.const 0)))
    (local.set $S1 (v128.load offset=16 (i32.const 0)))
    (local.set $S2 (v128.load offset=32 (i32.const 0)))
    (local.set $S3 (v128.load offset=48 (i32.const 0)))
    (local.set $B (i32x4.splat (local.get $base)))
    (local.set $M (i32x4.splat (i32.const 8184)))
    (local.set $A01 (f64x2.splat (f64.const 0)))
    (local.set $A23 (f64x2.splat (f64.const 0)))
    (block $done
      (br_if $done (i32.le_s (local.get $q) (i32.const 0)))
      (loop $step
        ;; the generator step on the four lanes (5 m = 4 m + m, 9 m = 8 m + m)
        (local.set $m (i32x4.add (i32x4.shl (local.get $S1) (i32.const 2)) (local.get $S1)))
        (local.set $m (v128.or (i32x4.shl (local.get $m) (i32.const 7)) (i32x4.shr_u (local.get $m) (i32.const 25))))
        (local.set $r (i32x4.add (i32x4.shl (local.get $m) (i32.const 3)) (local.get $m)))
        (local.set $t (i32x4.shl (local.get $S1) (i32.const 9)))
        (local.set $S2 (v128.xor (local.get $S2) (local.get $S0)))
        (local.set $S3 (v128.xor (local.get $S3) (local.get $S1)))
        (local.set $S1 (v128.xor (local.get $S1) (local.get $S2)))
        (local.set $S0 (v128.xor (local.get $S0) (local.get $S3)))
        (local.set $S2 (v128.xor (local.get $S2) (local.get $t)))
        (local.set $S3 (v128.or (i32x4.shl (local.get $S3) (i32.const 11)) (i32x4.shr_u (local.get $S3) (i32.const 21))))
        ;; the three byte addresses of each lane, through the scratch area
        (v128.store offset=192 (i32.const 0)
          (i32x4.add (v128.and (i32x4.shl (local.get $r) (i32.const 3)) (local.get $M)) (local.get $B)))
        (v128.store offset=208 (i32.const 0)
          (i32x4.add (v128.and (i32x4.shr_u (local.get $r) (i32.const 7)) (local.get $M)) (local.get $B)))
        (v128.store offset=224 (i32.const 0)
          (i32x4.add (v128.and (i32x4.shr_u (local.get $r) (i32.const 17)) (local.get $M)) (local.get $B)))
        ;; lanes 0 and 1, then 2 and 3: acc + ((x[i0] + x[i1]) + x[i2]), lane by lane
        (local.set $A01 (f64x2.add (local.get $A01)
          (f64x2.add
            (f64x2.add
              (v128.load64_lane 1 (i32.load offset=196 (i32.const 0)) (v128.load64_zero (i32.load offset=192 (i32.const 0))))
              (v128.load64_lane 1 (i32.load offset=212 (i32.const 0)) (v128.load64_zero (i32.load offset=208 (i32.const 0)))))
            (v128.load64_lane 1 (i32.load offset=228 (i32.const 0)) (v128.load64_zero (i32.load offset=224 (i32.const 0)))))))
        (local.set $A23 (f64x2.add (local.get $A23)
          (f64x2.add
            (f64x2.add
              (v128.load64_lane 1 (i32.load offset=204 (i32.const 0)) (v128.load64_zero (i32.load offset=200 (i32.const 0))))
              (v128.load64_lane 1 (i32.load offset=220 (i32.const 0)) (v128.load64_zero (i32.load offset=216 (i32.const 0)))))
            (v128.load64_lane 1 (i32.load offset=236 (i32.const 0)) (v128.load64_zero (i32.load offset=232 (i32.const 0)))))))
        (br_if $step (local.tee $q (i32.sub (local.get $q) (i32.const 1))))))
    (v128.store offset=0 (i32.const 0) (local.get $S0))
    (v128.store offset=16 (i32.const 0) (local.get $S1))
    (v128.store offset=32 (i32.const 0) (local.get $S2))
    (v128.store offset=48 (i32.const 0) (local.get $S3))
    (f64.store offset=128 (i32.const 0) (f64.add (f64.load offset=128 (i32.const 0))
      (call $lane (local.get $base) (i32.load offset=64 (i32.const 0)) (i32.const 0) (f64x2.extract_lane 0 (local.get $A01)))))
    (f64.store offset=136 (i32.const 0) (f64.add (f64.load offset=136 (i32.const 0))
      (call $lane (local.get $base) (i32.load offset=68 (i32.const 0)) (i32.const 4) (f64x2.extract_lane 1 (local.get $A01)))))
    (f64.store offset=144 (i32.const 0) (f64.add (f64.load offset=144 (i32.const 0))
      (call $lane (local.get $base) (i32.load offset=72 (i32.const 0)) (i32.const 8) (f64x2.extract_lane 0 (local.get $A23)))))
    (f64.store offset=152 (i32.const 0) (f64.add (f64.load offset=152 (i32.const 0))
      (call $lane (local.get $base) (i32.load offset=76 (i32.const 0)) (i32.const 12) (f64x2.extract_lane 1 (local.get $A23))))))
)

"""RFC 6962 / RFC 9162 Merkle tree hashing, proofs and proof verification.

The audit log is published as a Certificate-Transparency-style Merkle tree so
that anyone holding two tree heads can check that the log only ever grew
(consistency) and that a given entry is in it (inclusion), using the same
algorithms, domain separation and test vectors as existing transparency logs.

Leaves are passed around already hashed (see ``leaf_hash``); all functions
take the full sequence of leaf hashes, in log order.
"""

import hashlib
from collections.abc import Sequence

HASH_SIZE = 32

_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"


def leaf_hash(data: bytes) -> bytes:
    """Hash a log entry; the 0x00 prefix keeps leaves from posing as nodes."""
    return hashlib.sha256(_LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Hash two children; the 0x01 prefix keeps nodes from posing as leaves."""
    return hashlib.sha256(_NODE_PREFIX + left + right).digest()


EMPTY_ROOT = hashlib.sha256(b"").digest()
"""Root of the empty tree, which RFC 6962 defines as the hash of no input."""


class CompactRange:
    """Incremental tree builder holding only the roots of its perfect subtrees.

    Appending is amortised O(1) and memory is O(log n), so the root of a
    very large log can be computed in one streaming pass.
    """

    def __init__(self) -> None:
        self._size = 0
        # Roots of the perfect subtrees covering the leaves so far, largest
        # (leftmost) first; their sizes are the set bits of ``_size``.
        self._hashes: list[bytes] = []

    def append(self, leaf_hash: bytes) -> None:
        """Add the next leaf hash, merging every subtree it completes."""
        node = leaf_hash
        size = self._size
        while size & 1:
            node = node_hash(self._hashes.pop(), node)
            size >>= 1
        self._hashes.append(node)
        self._size += 1

    @classmethod
    def resume(cls, size: int, hashes: Sequence[bytes]) -> "CompactRange":
        """The builder as `state()` left it after `size` leaves, to go on appending from there."""
        if len(hashes) != size.bit_count():
            raise ValueError(f"a tree of {size} leaves has {size.bit_count()} subtree roots, not {len(hashes)}")
        tree = cls()
        tree._size, tree._hashes = size, list(hashes)
        return tree

    def state(self) -> tuple[int, list[bytes]]:
        """The size and the subtree roots: all it takes to resume appending later (O(log n))."""
        return self._size, list(self._hashes)

    def root(self) -> bytes:
        """Return MTH of the leaves appended so far.

        Folding the subtree roots from the right reproduces RFC 6962's
        split at the largest power of two, because each subtree is exactly
        the left half of the tree that contains it and everything after it.
        """
        if not self._hashes:
            return EMPTY_ROOT
        node = self._hashes[-1]
        for left in reversed(self._hashes[:-1]):
            node = node_hash(left, node)
        return node


def root_from_leaf_hashes(leaf_hashes: Sequence[bytes]) -> bytes:
    """Return the Merkle Tree Hash (RFC 6962 section 2.1) of the leaves."""
    tree = CompactRange()
    for leaf in leaf_hashes:
        tree.append(leaf)
    return tree.root()


def _split(n: int) -> int:
    """Largest power of two strictly less than ``n`` (``n >= 2``)."""
    return 1 << ((n - 1).bit_length() - 1)


def inclusion_proof(index: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """Return the audit path PATH(index, D[n]) (RFC 6962 section 2.1.1).

    The recursive definition is walked top-down, so the siblings are
    collected root-first and reversed to the RFC's leaf-first order.
    """
    n = len(leaf_hashes)
    if not 0 <= index < n:
        raise ValueError(f"leaf index {index} is outside a tree of size {n}")
    proof = []
    lo, hi = 0, n
    while hi - lo > 1:
        mid = lo + _split(hi - lo)
        if index < mid:
            proof.append(root_from_leaf_hashes(leaf_hashes[mid:hi]))
            hi = mid
        else:
            proof.append(root_from_leaf_hashes(leaf_hashes[lo:mid]))
            lo = mid
    proof.reverse()
    return proof


def consistency_proof(old_size: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """Return PROOF(old_size, D[n]) (RFC 6962 section 2.1.2).

    Trees of size 0 and ``n`` itself are trivially consistent with D[n], so
    their proofs are empty. Otherwise SUBPROOF is walked top-down like
    ``inclusion_proof``; ``whole_old_tree`` is the RFC's flag ``b``, which
    stays true while the remaining old leaves are the entire old tree, whose
    root the verifier already has.
    """
    n = len(leaf_hashes)
    if not 0 <= old_size <= n:
        raise ValueError(f"old size {old_size} is outside 0..{n}")
    if old_size in (0, n):
        return []
    proof = []
    lo, hi = 0, n
    m = old_size  # old leaves within leaf_hashes[lo:hi]
    whole_old_tree = True
    while m < hi - lo:
        mid = lo + _split(hi - lo)
        if lo + m <= mid:
            proof.append(root_from_leaf_hashes(leaf_hashes[mid:hi]))
            hi = mid
        else:
            proof.append(root_from_leaf_hashes(leaf_hashes[lo:mid]))
            m -= mid - lo
            lo = mid
            whole_old_tree = False
    if not whole_old_tree:
        proof.append(root_from_leaf_hashes(leaf_hashes[lo:hi]))
    proof.reverse()
    return proof


def _are_hashes(*values: bytes) -> bool:
    """Whether every value has the length of a SHA-256 digest.

    Checked up front so that malformed proofs and roots are rejected as
    such, rather than relying on them happening to hash differently.
    """
    return all(len(value) == HASH_SIZE for value in values)


def verify_inclusion(
    index: int,
    tree_size: int,
    leaf_hash: bytes,
    proof: Sequence[bytes],
    root: bytes,
) -> bool:
    """Check that ``leaf_hash`` is leaf ``index`` of the tree with ``root``.

    Implements RFC 9162 section 2.1.3.2. ``index`` and ``tree_size`` are the
    caller's claim and must be consistent (ValueError otherwise); any proof
    that does not establish inclusion just yields False.
    """
    if not 0 <= index < tree_size:
        raise ValueError(f"leaf index {index} is outside a tree of size {tree_size}")
    if not _are_hashes(leaf_hash, root, *proof):
        return False
    fn, sn = index, tree_size - 1
    r = leaf_hash
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(
    old_size: int,
    new_size: int,
    old_root: bytes,
    new_root: bytes,
    proof: Sequence[bytes],
) -> bool:
    """Check that the tree ``new_root`` extends the tree ``old_root``.

    Implements RFC 9162 section 2.1.4.2 for ``0 < old_size < new_size``.
    The RFC leaves the trivial cases to the caller; here they require an
    empty proof, and an old size of 0 additionally requires ``old_root`` to
    be the empty-tree root, since no other root describes an empty tree.
    Sizes that are negative or go backwards raise ValueError; any proof
    that does not establish consistency just yields False.
    """
    if old_size < 0:
        raise ValueError(f"old size {old_size} is negative")
    if old_size > new_size:
        raise ValueError(f"old size {old_size} is larger than new size {new_size}")
    if not _are_hashes(old_root, new_root, *proof):
        return False
    if old_size == 0 and old_root != EMPTY_ROOT:
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if old_size == 0:
        return not proof
    if not proof:
        return False

    path = list(proof)
    if old_size & (old_size - 1) == 0:
        # The old tree is a perfect subtree of the new one, so its root is
        # the starting point and the proof omits it.
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root

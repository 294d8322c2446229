"""Tests for the RFC 6962 / RFC 9162 Merkle tree in ``secretariat.audit.merkle``."""

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from secretariat.audit import merkle

# Known-answer vectors for the 8-leaf reference tree, copied verbatim from
# transparency-dev/merkle:
#   testonly/constants.go  -- LeafInputs(), NodeHashes()[0], RootHashes()
#   proof/verify_test.go   -- inclusionProofs, consistencyProofs
# The same roots, inclusion proofs and consistency proofs (bar (6, 7)) appear
# in google/certificate-transparency cpp/merkletree/merkle_tree_test.cc.

LEAF_INPUTS = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]

LEAF_HASHES = [
    bytes.fromhex(h)
    for h in (
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
        "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
        "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
        "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
    )
]

# Indexed by tree size, starting from the empty tree.
ROOTS = [
    bytes.fromhex(h)
    for h in (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    )
]


def _hashes(*hex_strings: str) -> list[bytes]:
    return [bytes.fromhex(h) for h in hex_strings]


# (leaf index, tree size) -> proof. The source numbers leaves from 1; the
# indices here are the source's minus one.
INCLUSION_PROOFS = {
    (0, 1): [],
    (0, 8): _hashes(
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ),
    (5, 8): _hashes(
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ),
    (2, 3): _hashes(
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    ),
    (1, 5): _hashes(
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    ),
}

# (old size, new size) -> proof.
CONSISTENCY_PROOFS = {
    (1, 1): [],
    (1, 8): _hashes(
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ),
    (6, 8): _hashes(
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ),
    (2, 5): _hashes(
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    ),
    (6, 7): _hashes(
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ),
}


# Reference implementations transcribed from the recursive definitions in
# RFC 6962 section 2.1, sharing no code with the module under test.


def _split_point(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def reference_mth(leaves: list[bytes]) -> bytes:
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = _split_point(len(leaves))
    return hashlib.sha256(b"\x01" + reference_mth(leaves[:k]) + reference_mth(leaves[k:])).digest()


def reference_path(m: int, leaves: list[bytes]) -> list[bytes]:
    if len(leaves) == 1:
        return []
    k = _split_point(len(leaves))
    if m < k:
        return reference_path(m, leaves[:k]) + [reference_mth(leaves[k:])]
    return reference_path(m - k, leaves[k:]) + [reference_mth(leaves[:k])]


def reference_subproof(m: int, leaves: list[bytes], complete: bool) -> list[bytes]:
    if m == len(leaves):
        return [] if complete else [reference_mth(leaves)]
    k = _split_point(len(leaves))
    if m <= k:
        return reference_subproof(m, leaves[:k], complete) + [reference_mth(leaves[k:])]
    return reference_subproof(m - k, leaves[k:], False) + [reference_mth(leaves[:k])]


def flip_bit(value: bytes, bit: int) -> bytes:
    flipped = bytearray(value)
    flipped[bit // 8] ^= 1 << (bit % 8)
    return bytes(flipped)


def leaf_lists(min_size: int, max_size: int = 200) -> st.SearchStrategy[list[bytes]]:
    # Distinct entries, so a proof for one leaf can never legitimately
    # verify for another.
    return st.lists(st.binary(max_size=8), min_size=min_size, max_size=max_size, unique=True).map(
        lambda entries: [merkle.leaf_hash(entry) for entry in entries]
    )


bits = st.integers(0, 8 * merkle.HASH_SIZE - 1)


# Known answers.


def test_empty_tree_root():
    assert merkle.EMPTY_ROOT == ROOTS[0]
    assert merkle.root_from_leaf_hashes([]) == ROOTS[0]
    assert merkle.CompactRange().root() == ROOTS[0]


def test_leaf_hashes():
    assert [merkle.leaf_hash(data) for data in LEAF_INPUTS] == LEAF_HASHES


@pytest.mark.parametrize("size", range(9))
def test_roots(size):
    assert merkle.root_from_leaf_hashes(LEAF_HASHES[:size]) == ROOTS[size]


def test_compact_range_root_after_each_append():
    tree = merkle.CompactRange()
    for size, leaf in enumerate(LEAF_HASHES, start=1):
        tree.append(leaf)
        assert tree.root() == ROOTS[size]


@pytest.mark.parametrize(("index", "size"), INCLUSION_PROOFS)
def test_known_inclusion_proofs(index, size):
    expected = INCLUSION_PROOFS[index, size]
    assert merkle.inclusion_proof(index, LEAF_HASHES[:size]) == expected
    assert merkle.verify_inclusion(index, size, LEAF_HASHES[index], expected, ROOTS[size])


@pytest.mark.parametrize(("old_size", "new_size"), CONSISTENCY_PROOFS)
def test_known_consistency_proofs(old_size, new_size):
    expected = CONSISTENCY_PROOFS[old_size, new_size]
    assert merkle.consistency_proof(old_size, LEAF_HASHES[:new_size]) == expected
    assert merkle.verify_consistency(old_size, new_size, ROOTS[old_size], ROOTS[new_size], expected)


@pytest.mark.parametrize("size", range(1, 9))
def test_all_reference_tree_inclusion_proofs_verify(size):
    for index in range(size):
        proof = merkle.inclusion_proof(index, LEAF_HASHES[:size])
        assert merkle.verify_inclusion(index, size, LEAF_HASHES[index], proof, ROOTS[size])


@pytest.mark.parametrize("new_size", range(1, 9))
def test_all_reference_tree_consistency_proofs_verify(new_size):
    for old_size in range(new_size + 1):
        proof = merkle.consistency_proof(old_size, LEAF_HASHES[:new_size])
        assert merkle.verify_consistency(old_size, new_size, ROOTS[old_size], ROOTS[new_size], proof)


# Properties.


@given(leaf_lists(min_size=0, max_size=64))
def test_root_matches_reference(leaves):
    assert merkle.root_from_leaf_hashes(leaves) == reference_mth(leaves)


@given(leaf_lists(min_size=1, max_size=64), st.data())
def test_proofs_match_reference(leaves, data):
    index = data.draw(st.integers(0, len(leaves) - 1))
    old_size = data.draw(st.integers(1, len(leaves)))
    assert merkle.inclusion_proof(index, leaves) == reference_path(index, leaves)
    assert merkle.consistency_proof(old_size, leaves) == reference_subproof(old_size, leaves, True)


@given(leaf_lists(min_size=1))
def test_every_inclusion_proof_verifies(leaves):
    root = merkle.root_from_leaf_hashes(leaves)
    for index, leaf in enumerate(leaves):
        proof = merkle.inclusion_proof(index, leaves)
        assert merkle.verify_inclusion(index, len(leaves), leaf, proof, root)


@given(leaf_lists(min_size=2), st.data(), bits)
def test_tampered_inclusion_proof_fails(leaves, data, bit):
    size = len(leaves)
    index = data.draw(st.integers(0, size - 1))
    leaf = leaves[index]
    proof = merkle.inclusion_proof(index, leaves)
    root = merkle.root_from_leaf_hashes(leaves)

    position = data.draw(st.integers(0, len(proof) - 1))
    tampered = list(proof)
    tampered[position] = flip_bit(proof[position], bit)
    assert not merkle.verify_inclusion(index, size, leaf, tampered, root)

    other = data.draw(st.integers(0, size - 1).filter(lambda i: i != index))
    assert not merkle.verify_inclusion(other, size, leaf, proof, root)

    assert not merkle.verify_inclusion(index, size, leaf, proof, flip_bit(root, bit))


@given(leaf_lists(min_size=1), st.data(), bits)
def test_consistency_proof_verifies_and_binds_both_roots(leaves, data, bit):
    new_size = len(leaves)
    old_size = data.draw(st.integers(1, new_size))
    old_root = merkle.root_from_leaf_hashes(leaves[:old_size])
    new_root = merkle.root_from_leaf_hashes(leaves)
    proof = merkle.consistency_proof(old_size, leaves)

    assert merkle.verify_consistency(old_size, new_size, old_root, new_root, proof)
    assert not merkle.verify_consistency(old_size, new_size, flip_bit(old_root, bit), new_root, proof)
    assert not merkle.verify_consistency(old_size, new_size, old_root, flip_bit(new_root, bit), proof)
    if proof:
        position = data.draw(st.integers(0, len(proof) - 1))
        tampered = list(proof)
        tampered[position] = flip_bit(proof[position], bit)
        assert not merkle.verify_consistency(old_size, new_size, old_root, new_root, tampered)


# Malformed proofs are rejected, not raised on.


def test_malformed_inclusion_proofs_fail():
    proof = INCLUSION_PROOFS[1, 5]
    leaf, root = LEAF_HASHES[1], ROOTS[5]
    for bad in (
        proof[:-1],
        [*proof, root],
        [root, *proof],
        [*proof, b""],
        [proof[0][:-1], *proof[1:]],
    ):
        assert not merkle.verify_inclusion(1, 5, leaf, bad, root)
    assert not merkle.verify_inclusion(1, 5, leaf, proof, root[:-1])
    assert not merkle.verify_inclusion(1, 5, b"", proof, root)
    # A one-leaf tree's root is its leaf hash, so only the lengths are wrong.
    assert not merkle.verify_inclusion(0, 1, b"", [], b"")


def test_malformed_consistency_proofs_fail():
    proof = CONSISTENCY_PROOFS[6, 8]
    old_root, new_root = ROOTS[6], ROOTS[8]
    for bad in (
        [],
        proof[:-1],
        [*proof, new_root],
        [old_root, *proof],
        [*proof, b""],
        [proof[0][:-1], *proof[1:]],
    ):
        assert not merkle.verify_consistency(6, 8, old_root, new_root, bad)
    assert not merkle.verify_consistency(6, 8, old_root, new_root[:-1], proof)
    assert not merkle.verify_consistency(6, 8, new_root, old_root, proof)


# Probes adapted from corruptInclusionProof and corruptConsistencyProof in
# transparency-dev/merkle proof/verify_test.go, keeping only the sizes that
# are valid arguments.


@pytest.mark.parametrize(("index", "size"), [key for key, proof in INCLUSION_PROOFS.items() if proof])
def test_inclusion_proof_for_other_position_fails(index, size):
    proof = INCLUSION_PROOFS[index, size]
    for other_index, other_size in (
        (index - 1, size),
        (index + 1, size),
        (index ^ 2, size),
        (index, size * 2),
        (index, size // 2),
    ):
        if 0 <= other_index < other_size:
            assert not merkle.verify_inclusion(other_index, other_size, LEAF_HASHES[index], proof, ROOTS[size])


@pytest.mark.parametrize(("old_size", "new_size"), [key for key, proof in CONSISTENCY_PROOFS.items() if proof])
def test_consistency_proof_for_other_sizes_fails(old_size, new_size):
    proof = CONSISTENCY_PROOFS[old_size, new_size]
    for other_old, other_new in (
        (old_size - 1, new_size),
        (old_size + 1, new_size),
        (old_size ^ 2, new_size),
        (old_size, new_size * 2),
        (old_size, new_size // 2),
    ):
        if 0 <= other_old <= other_new:
            assert not merkle.verify_consistency(other_old, other_new, ROOTS[old_size], ROOTS[new_size], proof)


def test_trivial_consistency_cases():
    empty, root = ROOTS[0], ROOTS[3]
    assert merkle.verify_consistency(0, 0, empty, empty, [])
    assert merkle.verify_consistency(0, 3, empty, root, [])
    assert merkle.verify_consistency(3, 3, root, root, [])
    # An empty tree has exactly one root.
    assert not merkle.verify_consistency(0, 3, root, root, [])
    assert not merkle.verify_consistency(0, 0, empty, root, [])
    # Equal sizes need equal roots and no proof.
    assert not merkle.verify_consistency(3, 3, root, ROOTS[4], [])
    assert not merkle.verify_consistency(3, 3, root, root, [root])
    assert not merkle.verify_consistency(0, 3, empty, root, [root])
    # Equal roots of the wrong length are still not roots.
    assert not merkle.verify_consistency(3, 3, b"", b"", [])


# Invalid arguments.


@pytest.mark.parametrize("index", [-1, 8])
def test_inclusion_proof_rejects_index_outside_tree(index):
    with pytest.raises(ValueError, match="outside a tree of size 8"):
        merkle.inclusion_proof(index, LEAF_HASHES)


def test_inclusion_proof_rejects_empty_tree():
    with pytest.raises(ValueError, match="outside a tree of size 0"):
        merkle.inclusion_proof(0, [])


@pytest.mark.parametrize("old_size", [-1, 9])
def test_consistency_proof_rejects_size_outside_tree(old_size):
    with pytest.raises(ValueError, match="outside 0..8"):
        merkle.consistency_proof(old_size, LEAF_HASHES)


@pytest.mark.parametrize(("index", "tree_size"), [(-1, 8), (8, 8), (0, 0), (0, -1)])
def test_verify_inclusion_rejects_index_outside_tree(index, tree_size):
    with pytest.raises(ValueError, match="outside a tree of size"):
        merkle.verify_inclusion(index, tree_size, LEAF_HASHES[0], [], ROOTS[1])


def test_verify_consistency_rejects_negative_size():
    with pytest.raises(ValueError, match="negative"):
        merkle.verify_consistency(-1, 8, ROOTS[0], ROOTS[8], [])


def test_verify_consistency_rejects_shrinking_tree():
    with pytest.raises(ValueError, match="larger than new size"):
        merkle.verify_consistency(8, 7, ROOTS[8], ROOTS[7], [])

"""Document routing and the BM25 it is built on."""

import numpy as np

from aiworks.rag.route import BM25, DocumentRouter, document_part


def test_bm25_prefers_rarer_matching_terms_and_row_subsets_agree():
    texts = ["the cat sat on the mat", "the dog chased the cat", "a merger agreement between two firms", "the the the"]
    bm = BM25().fit(texts)
    s = bm.score("merger cat")
    assert int(np.argmax(s)) == 2  # "merger" occurs once in the corpus, "cat" twice
    assert s[3] == 0.0
    rows = np.array([1, 3])
    assert np.allclose(bm.score("merger cat", rows), s[rows])
    assert np.all(bm.score("zebra") == 0)


def test_router_uses_the_document_description_and_decoded_names():
    names = ["Model%20NDA%20(recommended%20by%20SWA).txt", "NDA-SqillerBetaTesters.txt", "Fiverr.txt",
             "Acacia_Communications_Cisco_Systems.txt"]
    texts = ["MUTUAL NON-DISCLOSURE AGREEMENT template", "This NDA is entered into by the company",
             "Privacy policy of the marketplace", "AGREEMENT AND PLAN OF MERGER among Cisco and Acacia"]
    router = DocumentRouter().fit(names, names, texts)
    assert router.route("Consider SWA's Non-Disclosure Agreement; Is there a residuals clause?")[0].document_id == names[0]
    assert router.route("Consider the Non-Disclosure Agreement between Sqiller and Beta Testers; x")[0].document_id == names[1]
    assert router.route('Consider "Fiverr"\'s privacy policy; who sees my data?')[0].document_id == names[2]
    # the question part must not steer routing: "privacy" is in Fiverr's text, the description names Cisco
    top = router.route('Consider the Merger Agreement between "Cisco" and "Acacia"; any privacy covenant?', 2)
    assert top[0].document_id == names[3] and len(top) == 2


def test_document_part():
    assert document_part("Consider X and Y; what?").strip() == "X and Y"
    assert document_part("What is the fee?") == "What is the fee?"

"""The text helpers routing and the ranker share."""

from aiworks.rag.route import document_part, name_text, tokenize


def test_document_part():
    assert document_part("Consider X and Y; what?").strip() == "X and Y"
    assert document_part("What is the fee?") == "What is the fee?"


def test_name_text_decodes_and_splits_file_names():
    assert set(tokenize(name_text("Model%20NDA%20(recommended%20by%20SWA).txt"))) >= {"model", "nda", "swa"}
    assert {"sqiller", "beta", "testers"} <= set(tokenize(name_text("NDA-SqillerBetaTesters.txt")))

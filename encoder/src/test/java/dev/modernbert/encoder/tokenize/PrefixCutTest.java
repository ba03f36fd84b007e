package dev.modernbert.encoder.tokenize;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which tokenizer pipelines allow the truncate-mode prefix cut, read from tokenizer.json. */
class PrefixCutTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "ModernBERT: NFC + byte-level regex | {'type':'NFC'} | {'type':'ByteLevel','use_regex':true}"
            + " | | true",
        "BERT | {'type':'BertNormalizer'} | {'type':'BertPreTokenizer'} | | true",
        "byte level without its regex | | {'type':'ByteLevel','use_regex':false} | | false",
        "no pre-tokenizer (Gemma-2, Llama) | {'type':'Replace','pattern':{'String':' '},"
            + "'content':'▁'} | | | false",
        "SentencePiece Precompiled normalizer | {'type':'Precompiled'} | {'type':'Metaspace'} | |"
            + " false",
        "Metaspace that splits | | {'type':'Metaspace','replacement':'▁','split':true} | | true",
        "Metaspace that does not split | | {'type':'Metaspace','split':false} | | false",
        "split-only member then byte level | {'type':'Sequence','normalizers':[{'type':'NFKC'},"
            + "{'type':'Lowercase'}]} | {'type':'Sequence','pretokenizers':[{'type':'Digits'},"
            + "{'type':'ByteLevel'}]} | | true",
        "byte level changes characters before Whitespace | | {'type':'Sequence','pretokenizers':"
            + "[{'type':'ByteLevel','use_regex':false},{'type':'Whitespace'}]} | | false",
        "added token with a space inside a phrase | | {'type':'Whitespace'} | New York | false",
        "added token of spaces only | | {'type':'Whitespace'} | '    ' | true",
      })
  void boundedOnlyWhenEveryStageKeepsTheCut(
      String name, String normalizer, String preTokenizer, String addedToken, boolean bounded) {
    JsonObject root = new JsonObject();
    if (normalizer != null) {
      root.add("normalizer", JsonParser.parseString(normalizer));
    }
    if (preTokenizer != null) {
      root.add("pre_tokenizer", JsonParser.parseString(preTokenizer));
    }
    if (addedToken != null) {
      JsonObject token = new JsonObject();
      token.addProperty("id", 7);
      token.addProperty("content", addedToken);
      com.google.gson.JsonArray added = new com.google.gson.JsonArray();
      added.add(token);
      root.add("added_tokens", added);
    }
    assertEquals(bounded, PrefixCut.of(root).bounded(), name);
  }
}

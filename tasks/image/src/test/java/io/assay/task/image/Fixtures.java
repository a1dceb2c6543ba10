package io.assay.task.image;

import io.assay.task.TaskSpec;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Shared test fixtures: one kind, one bound reference task, bodies and pictures. */
final class Fixtures {

  static final ImageKind KIND = new ImageKind();
  static final TaskSpec SPEC = new TaskSpec("image", "reference-image", 10_000_000, 5243);
  static final ImageTask TASK = (ImageTask) KIND.bind(SPEC);

  private Fixtures() {}

  static byte[] bytes(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }

  static ImageRequest parse(String json) {
    return (ImageRequest) KIND.parseRequest(ImageRequest.PATH, bytes(json));
  }

  /** A fully specified one-picture request of the reference model. */
  static ImageRequest request(String prompt, long seed, int side, int steps) {
    return new ImageRequest(ImageRequest.PATH, "reference-image", prompt, null, 1,
        new ImageSize(side, side), ImageRequest.B64_JSON, steps, seed, 7.5, null);
  }

  /** What the reference engine draws for picture {@code seed} of {@code r} (resolved). */
  static byte[] png(ImageRequest r, long seed) {
    return ReferenceImageEngine.render(ImageChecker.params(TASK.resolve(r), seed)).png();
  }

  static ImageAnswer answer(byte[]... pngs) {
    return new ImageAnswer(1_700_000_000L,
        List.of(pngs).stream().map(p -> new ImageAnswer.Image(p, null)).toList());
  }

  /** A valid PNG of any size, from the engine. */
  static byte[] anyPng(int width, int height) {
    return ReferenceImageEngine.render(new ReferenceImageEngine.Params("test card", null, 1,
        width, height, 1, 7.5)).png();
  }
}

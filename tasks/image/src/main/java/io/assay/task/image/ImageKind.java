package io.assay.task.image;

import io.assay.task.Backend;
import io.assay.task.Checker;
import io.assay.task.Task;
import io.assay.task.TaskKind;
import io.assay.task.TaskRequest;
import io.assay.task.TaskSpec;
import io.assay.task.UpstreamConfig;
import io.assay.task.WorkUnit;
import io.assay.task.upstream.OpenAiHttp;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * The {@code image} task kind: OpenAI's {@code POST /v1/images/generations} and {@code POST
 * /v1/images/edits} (image-to-image and inpainting), paid in thousandths of a step-megapixel,
 * checked by drawing the picture again with the same seed (and inputs) and comparing
 * perceptually.
 *
 * <p><b>Work unit</b> {@code milli_step_megapixels}: a picture of {@code width x height} drawn in
 * {@code steps} denoising steps costs {@code ceil(1000 * steps * width * height / 1_000_000)} =
 * {@code ceil(steps * width * height / 1000)} units, and a request costs that times {@code n}.
 * A 512x512 picture in 20 steps is 5243 units; 1024x1024 in 20 steps, 20972. An edit counts
 * the steps it runs, {@code round(strength x steps)} (at least one): an edit of a 512x512
 * picture at strength 0.6 in 20 steps runs 12 steps, 3146 units.
 *
 * <p>Requests are parsed by OpenAI's rules plus the diffusion extensions {@code negative_prompt},
 * {@code steps}, {@code seed} and {@code guidance_scale} ({@link #parseRequest}); a model's sizes
 * and step range are enforced by the bound task's {@link Task#estimateUnits}. A request for
 * {@code n} pictures is split into {@code n} one-picture requests with consecutive seeds ({@link
 * Task#split}), so the validator knows every seed it asked for. The reference engine is {@value
 * ReferenceImageEngine#MODEL_ID} ({@link ReferenceImageEngine}); any OpenAI-images-compatible
 * server can serve through {@link #upstreamBackend}.
 *
 * <p>Stateless and thread-safe; registered through {@code META-INF/services}.
 */
public final class ImageKind implements TaskKind {

  public static final String NAME = "image";

  /** The reference model's id. */
  public static final String REFERENCE_MODEL = ReferenceImageEngine.MODEL_ID;

  private static final WorkUnit UNIT = new WorkUnit("milli_step_megapixels",
      "Thousandths of a denoising step over one megapixel: ceil(steps * width * height / 1000)"
          + " per picture.");

  public ImageKind() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public WorkUnit workUnit() {
    return UNIT;
  }

  @Override
  public List<String> paths() {
    return List.of(ImageRequest.PATH, ImageRequest.EDITS_PATH);
  }

  /**
   * Parses a generation's JSON in one streaming pass, cheap enough for an event loop; an edit's
   * form, whose boundary is then read from the body's first line.
   */
  @Override
  public TaskRequest parseRequest(String path, byte[] body) {
    return parseRequest(path, null, body);
  }

  /**
   * As {@link #parseRequest(String, byte[])}; an edit (a {@code multipart/form-data} body) takes
   * its boundary from {@code contentType} when there is one. Parsing an edit decodes its
   * pictures ({@link #parsesOnWorker}).
   */
  @Override
  public TaskRequest parseRequest(String path, String contentType, byte[] body) {
    if (ImageRequest.PATH.equals(path)) {
      return RequestParser.parse(path, body);
    }
    if (ImageRequest.EDITS_PATH.equals(path)) {
      return EditRequestParser.parse(path, contentType, body);
    }
    throw new IllegalArgumentException("the image kind does not answer " + path);
  }

  /** Edits: their pictures are decoded and made canonical as they are parsed. */
  @Override
  public boolean parsesOnWorker(String path) {
    return ImageRequest.EDITS_PATH.equals(path);
  }

  /** @throws IllegalArgumentException when {@code spec} is not an image task */
  @Override
  public Task bind(TaskSpec spec) {
    requireKind(spec);
    return new ImageTask(spec, ImageLimits.forModel(spec.model()));
  }

  @Override
  public List<String> referenceModels() {
    return List.of(ReferenceImageEngine.MODEL_ID);
  }

  /**
   * A backend drawing with {@link ReferenceImageEngine} on {@code workers} for {@value
   * ReferenceImageEngine#MODEL_ID}; empty for any other model.
   */
  @Override
  public Optional<Backend> referenceBackend(TaskSpec spec, Executor workers) {
    requireKind(spec);
    if (!ReferenceImageEngine.MODEL_ID.equals(spec.model())) {
      return Optional.empty();
    }
    return Optional.of(new ReferenceImageBackend(spec, new ImageTask(spec, ImageLimits.REFERENCE),
        workers));
  }

  /**
   * An {@link ImageChecker} drawing every picture again with {@link ReferenceImageEngine} for
   * {@value ReferenceImageEngine#MODEL_ID}; empty for any other model.
   */
  @Override
  public Optional<Checker> referenceChecker(TaskSpec spec) {
    requireKind(spec);
    if (!ReferenceImageEngine.MODEL_ID.equals(spec.model())) {
      return Optional.empty();
    }
    return Optional.of(new ImageChecker(new ImageTask(spec, ImageLimits.REFERENCE)));
  }

  /**
   * A backend forwarding to {@code POST {baseUrl}/images/generations} of an OpenAI-images
   * compatible server.
   *
   * @throws IllegalArgumentException when {@code upstream} is unusable (see {@link
   *     OpenAiHttp#create(UpstreamConfig)})
   */
  @Override
  public Backend upstreamBackend(TaskSpec spec, UpstreamConfig upstream) {
    requireKind(spec);
    return new UpstreamImageBackend(spec, new ImageTask(spec, ImageLimits.forModel(spec.model())),
        OpenAiHttp.create(upstream));
  }

  private static void requireKind(TaskSpec spec) {
    if (!NAME.equals(spec.kind())) {
      throw new IllegalArgumentException(
          "the image kind cannot bind task " + spec.id() + " of kind " + spec.kind());
    }
  }
}

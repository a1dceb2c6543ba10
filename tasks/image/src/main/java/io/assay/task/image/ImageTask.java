package io.assay.task.image;

import io.assay.task.Delivery;
import io.assay.task.FilePublisher;
import io.assay.task.InvalidRequestException;
import io.assay.task.SyntheticGenerator;
import io.assay.task.Task;
import io.assay.task.TaskAnswer;
import io.assay.task.TaskRequest;
import io.assay.task.TaskSpec;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * The image kind bound to one model and its {@link ImageLimits}. Work is counted in thousandths
 * of a step-megapixel: {@code ceil(steps * width * height / 1000)} a picture (see {@link
 * ImageKind}).
 *
 * <p>Thread-safe and stateless; nothing here blocks. Reading an answer parses megabytes of JSON
 * and base64, so it asks to run on a worker ({@link #readsAnswersOnWorker}).
 */
final class ImageTask implements Task {

  /**
   * Seeds drawn for requests without one stay below {@code 2^31 - }{@value RequestParser#MAX_N},
   * so that every picture's seed fits the 32-bit seeds many diffusion servers take.
   */
  static final long RANDOM_SEED_BOUND = (1L << 31) - RequestParser.MAX_N;

  /** The seed of a request that reaches a miner without one ({@link #split} was skipped). */
  static final long DEFAULT_SEED = 0;

  private final TaskSpec spec;
  private final ImageLimits limits;
  private final SyntheticGenerator synthetic;

  ImageTask(TaskSpec spec, ImageLimits limits) {
    this.spec = spec;
    this.limits = limits;
    this.synthetic = new SyntheticImages(spec.model(), limits);
  }

  @Override
  public TaskSpec spec() {
    return spec;
  }

  ImageLimits limits() {
    return limits;
  }

  /**
   * Validates {@code request} against the model's limits and returns its units: all {@code n}
   * pictures, so a part made by {@link #split} counts one.
   *
   * @throws InvalidRequestException with param {@code size} for a size the model does not draw,
   *     {@code steps} outside the model's range and {@code n} outside 1 to {@value
   *     RequestParser#MAX_N} (code {@code invalid_value})
   */
  @Override
  public long estimateUnits(TaskRequest request) {
    ImageRequest r = resolve(cast(request));
    return unitsPerImage(r) * r.n();
  }

  /**
   * {@code request} with the model's default size, steps and guidance filled in.
   *
   * @throws InvalidRequestException as {@link #estimateUnits} does
   */
  ImageRequest resolve(ImageRequest r) {
    if (r.n() > RequestParser.MAX_N) {
      throw RequestParser.outOfRange("n", r.n(), 1, RequestParser.MAX_N);
    }
    ImageSize size = r.isEdit() ? editSize(r)
        : r.size() == null ? limits.defaultSize() : r.size();
    if (!limits.sizes().contains(size)) {
      throw new InvalidRequestException("'" + size + "' is not one of the sizes " + r.model()
          + " draws: " + limits.sizeList() + " - 'size'", "size", RequestParser.INVALID_VALUE);
    }
    int steps = r.steps() == null ? limits.defaultSteps() : r.steps();
    if (steps < limits.minSteps() || steps > limits.maxSteps()) {
      throw RequestParser.outOfRange("steps", steps, limits.minSteps(), limits.maxSteps());
    }
    double guidance = r.guidanceScale() == null ? limits.defaultGuidance() : r.guidanceScale();
    if (r.size() == size && r.steps() != null && r.guidanceScale() != null) {
      return r;
    }
    return r.withDefaults(size, steps, guidance);
  }

  /**
   * An edit's size: its pictures', which a {@code size} the user gave must match.
   *
   * @throws InvalidRequestException for another size, too many pictures or a size the model
   *     does not draw
   */
  private ImageSize editSize(ImageRequest r) {
    ImageSize input = r.edit().size();
    if (r.edit().images().size() > limits.maxEditImages()) {
      throw new InvalidRequestException(r.model() + " edits at most " + limits.maxEditImages()
          + (limits.maxEditImages() == 1 ? " picture" : " pictures") + " at once; "
          + r.edit().images().size() + " were sent.", "image", RequestParser.INVALID_VALUE);
    }
    if (r.size() != null && !r.size().equals(input)) {
      throw new InvalidRequestException("'size' is " + r.size() + " but 'image' is " + input
          + ": an edit keeps its picture's size, so leave 'size' out or give the same.", "size",
          RequestParser.INVALID_VALUE);
    }
    if (!limits.sizes().contains(input)) {
      throw new InvalidRequestException("'image' is " + input + ", not one of the sizes "
          + r.model() + " edits: " + limits.sizeList() + ".", "image",
          RequestParser.INVALID_VALUE);
    }
    return input;
  }

  /** {@code ceil(steps * width * height / 1000)}: thousandths of a step-megapixel. */
  static long unitsPerImage(ImageSize size, int steps) {
    return (steps * size.pixels() + 999) / 1000;
  }

  /** An edit counts the steps it runs, {@code strength x steps} ({@link EditInputs#stepsRun}). */
  private static long unitsPerImage(ImageRequest resolved) {
    int steps = resolved.isEdit() ? resolved.edit().stepsRun(resolved.steps())
        : resolved.steps();
    return unitsPerImage(resolved.size(), steps);
  }

  /**
   * Every choice explicit: size, steps, guidance and seed ({@value #DEFAULT_SEED} when the request
   * has none, which only happens when {@link #split} was skipped), pictures asked for inline.
   */
  @Override
  public byte[] minerRequestBody(TaskRequest request) {
    ImageRequest r = resolve(cast(request));
    return r.isEdit() ? WireFormat.editRequest(r.model(), r, seedOf(r)).body()
        : WireFormat.generationRequest(r.model(), r, r.size(), r.steps(), seedOf(r),
            r.guidanceScale());
  }

  /** {@code multipart/form-data} for an edit, whose pictures travel as raw PNG bytes. */
  @Override
  public String minerContentType(TaskRequest request) {
    ImageRequest r = resolve(cast(request));
    return r.isEdit() ? WireFormat.editContentType(r.model(), r, seedOf(r))
        : "application/json";
  }

  static long seedOf(ImageRequest r) {
    return r.seed() == null ? DEFAULT_SEED : r.seed();
  }

  /**
   * Reads a miner's images response: exactly {@code n} PNG pictures inline, each of the requested
   * size by its header. The pixels are not decoded here; the checker does that.
   */
  @Override
  public ImageAnswer readAnswer(TaskRequest request, byte[] body) {
    ImageRequest r = resolve(cast(request));
    return AnswerReader.read(body, r.n(), r.size());
  }

  @Override
  public boolean readsAnswersOnWorker() {
    return true;
  }

  @Override
  public long units(TaskRequest request, TaskAnswer answer) {
    return unitsPerImage(resolve(cast(request))) * castAnswer(answer).images().size();
  }

  /** The pictures inline ({@code b64_json}), whatever the request's {@code response_format}. */
  @Override
  public byte[] publicResponseBody(TaskRequest request, TaskAnswer answer) {
    ImageAnswer a = castAnswer(answer);
    return WireFormat.imagesResponse(a.created(), a.images(), null);
  }

  /**
   * The pictures as the user asked: inline, or for {@code response_format: "url"} each published
   * to {@code delivery.files()} as {@code image/png} (all at once) and listed by URL, in order,
   * once all are stored. Fails as the first failed publish does; pictures already stored then
   * stay unlisted until they expire.
   */
  @Override
  public CompletionStage<byte[]> publicResponse(TaskRequest request, TaskAnswer answer,
      Delivery delivery) {
    ImageAnswer a = castAnswer(answer);
    if (!cast(request).wantsUrl()) {
      return CompletableFuture.completedFuture(
          WireFormat.imagesResponse(a.created(), a.images(), null));
    }
    FilePublisher files = delivery.files();
    List<CompletableFuture<URI>> urls = new ArrayList<>(a.images().size());
    for (ImageAnswer.Image image : a.images()) {
      urls.add(files.publish(image.png(), "image/png").toCompletableFuture());
    }
    return CompletableFuture.allOf(urls.toArray(CompletableFuture[]::new))
        .thenApply(v -> WireFormat.imagesResponse(a.created(), a.images(),
            urls.stream().map(CompletableFuture::join).toList()));
  }

  /**
   * One part per picture, in order: {@code n = 1} and seeds {@code seed, seed + 1, ...}, with a
   * random seed below {@link #RANDOM_SEED_BOUND} drawn here when the user gave none (also for
   * {@code n = 1}), and the model's defaults filled in, so the validator knows exactly what every
   * miner was asked to draw.
   *
   * @throws InvalidRequestException as {@link #estimateUnits} does
   */
  @Override
  public List<TaskRequest> split(TaskRequest request) {
    ImageRequest r = resolve(cast(request));
    long seed = r.seed() != null ? r.seed()
        : ThreadLocalRandom.current().nextLong(RANDOM_SEED_BOUND);
    List<TaskRequest> parts = new ArrayList<>(r.n());
    for (int i = 0; i < r.n(); i++) {
      parts.add(r.withPart(seed + i));
    }
    return parts;
  }

  /**
   * The parts' pictures in order, under the latest {@code created}.
   *
   * @throws IllegalArgumentException when the parts do not hold {@code n} pictures in all
   */
  @Override
  public TaskAnswer merge(TaskRequest request, List<TaskAnswer> parts) {
    ImageRequest r = cast(request);
    List<ImageAnswer.Image> images = new ArrayList<>(r.n());
    long created = 0;
    for (TaskAnswer part : parts) {
      ImageAnswer a = castAnswer(part);
      images.addAll(a.images());
      created = Math.max(created, a.created());
    }
    if (images.size() != r.n()) {
      throw new IllegalArgumentException(spec.id() + " cannot merge " + images.size()
          + " pictures into an answer for n=" + r.n());
    }
    return new ImageAnswer(created, images);
  }

  @Override
  public SyntheticGenerator syntheticGenerator() {
    return synthetic;
  }

  /**
   * {@code request} with a fresh seed below {@link #RANDOM_SEED_BOUND}, as {@link #split} draws
   * them (so every picture's seed fits 32 bits and {@code seed + n} cannot overflow), never its
   * old one. A request without a seed gets one too: {@link #split} would draw one anyway, so a
   * miner sees the same either way.
   */
  @Override
  public TaskRequest reseed(TaskRequest request, RandomGenerator random) {
    ImageRequest r = cast(request);
    return r.withSeed(freshSeed(random, r.seed(), null));
  }

  /**
   * The prompt and negative prompt of {@code content} (and an edit's pictures and mask) with
   * {@code shape}'s size (not for an edit: it keeps its pictures' size), steps, n,
   * response_format, guidance_scale (each null where {@code shape} leaves it to the model) and,
   * when both are edits, strength,
   * a fresh seed (as {@link #reseed} draws it) exactly when {@code shape} has a seed, and no
   * end-user id. Both being requests of this task, the result is within the model's limits.
   */
  @Override
  public TaskRequest reshape(TaskRequest content, TaskRequest shape, RandomGenerator random) {
    ImageRequest c = cast(content);
    ImageRequest s = cast(shape);
    Long seed = s.seed() == null ? null : freshSeed(random, s.seed(), c.seed());
    EditInputs edit = c.edit();
    ImageSize size = s.size();
    if (edit != null) {
      // An edit keeps its pictures (and so their size); a shape that is an edit gives it its
      // strength.
      size = null;
      if (s.isEdit()) {
        edit = edit.withStrength(s.edit().strength());
      }
    }
    return new ImageRequest(c.path(), c.model(), c.prompt(), c.negativePrompt(), s.n(), size,
        s.responseFormat(), s.steps(), seed, s.guidanceScale(), null, edit);
  }

  /** A seed below {@link #RANDOM_SEED_BOUND} other than {@code old} and {@code other}. */
  private static long freshSeed(RandomGenerator random, Long old, Long other) {
    long seed;
    do {
      seed = random.nextLong(RANDOM_SEED_BOUND);
    } while (Long.valueOf(seed).equals(old) || Long.valueOf(seed).equals(other));
    return seed;
  }

  static ImageRequest cast(TaskRequest request) {
    if (request instanceof ImageRequest r) {
      return r;
    }
    throw new IllegalArgumentException("the image task was given a "
        + (request == null ? "null request" : request.getClass().getName()));
  }

  static ImageAnswer castAnswer(TaskAnswer answer) {
    if (answer instanceof ImageAnswer a) {
      return a;
    }
    throw new IllegalArgumentException("the image task was given a "
        + (answer == null ? "null answer" : answer.getClass().getName()));
  }

  @Override
  public String toString() {
    return "ImageTask[" + spec.id() + "]";
  }
}
